// A scripted peer for engine tests (the style of Go's x/net/http2 server tests): it sends
// hand-built frames to a Connection and reads back exactly what the Connection writes.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "event_log.hpp"
#include "frame/describe.hpp"
#include "h2/connection/connection.hpp"
#include "h2/frame/writer.hpp"
#include "h2/hpack/decoder.hpp"
#include "h2/hpack/encoder.hpp"
#ifdef LIBH2_CONFORMANCE_OVER_SOCKET
#include "wire.hpp"
#endif

namespace h2::test {

using FieldList = std::vector<std::pair<std::string, std::string>>;

inline const FieldList& get_request() {
    static const FieldList f{{":method", "GET"}, {":scheme", "http"}, {":path", "/"}, {":authority", "localhost"}};
    return f;
}
// Over a socket the server is h2serve, which answers POST at /echo.
#ifdef LIBH2_CONFORMANCE_OVER_SOCKET
inline constexpr const char* kPostPath = "/echo";
#else
inline constexpr const char* kPostPath = "/upload";
#endif
inline FieldList post_request(std::string content_length = "") {
    FieldList f{{":method", "POST"}, {":scheme", "http"}, {":path", kPostPath}, {":authority", "localhost"}};
    if (!content_length.empty()) f.emplace_back("content-length", content_length);
    return f;
}

// Views into `l`, which must outlive them (hence no overload for temporaries).
inline std::vector<hpack::HeaderField> views(const FieldList& l) {
    std::vector<hpack::HeaderField> v;
    for (const auto& [n, x] : l) v.push_back({n, x});
    return v;
}
std::vector<hpack::HeaderField> views(FieldList&&) = delete;

// Plays the other side of `conn`.
class Script {
public:
    explicit Script(Connection c) : conn(std::move(c)) {
#ifdef LIBH2_CONFORMANCE_OVER_SOCKET
        wire_ = Wire::from_environment();
#endif
    }

    Connection conn;
    std::vector<Event> events;  // spans inside are stale after the next send: use `log`
    EventLog log;
    hpack::Encoder encoder;
    hpack::Decoder decoder{hpack::DecoderLimits{4096, 1u << 30}};
    // When true, a server under test answers every complete request with 200 and "ok".
    bool auto_respond = true;
    std::vector<StreamId> responded;

    // --- sending -------------------------------------------------------------------------
    void send(const Bytes& b) {
#ifdef LIBH2_CONFORMANCE_OVER_SOCKET
        if (wire_) return wire_->write(b);
#endif
        const std::size_t first = events.size();
        conn.receive(b, events);
        log.capture(events, first);
        respond_from(first);
    }
    void send(const std::string& s) { send(Bytes(s.begin(), s.end())); }

    Bytes block(const FieldList& fields) {
        std::vector<std::uint8_t> b;
        encoder.encode(views(fields), b);
        return b;
    }
    // HEADERS (+ CONTINUATION when the block exceeds 16 KiB, as a real peer sends it).
    Bytes headers(StreamId id, const FieldList& fields, bool end_stream, bool end_headers = true) {
        frame::Buffer out;
        const Bytes b = block(fields);
        if (end_headers) {
            frame::write_headers(out, id, b, end_stream, frame::default_max_frame_size);
            return out;
        }
        frame::write_raw_frame(out, 1, end_stream ? frame::flags::end_stream : 0, id, b);
        return out;
    }
    // h2spec's DummyHeaders(c, n): `n` fields of 4000-octet values, for CONTINUATION payloads.
    // Sent again, they encode as one indexed octet each.
    static FieldList dummy_headers(int n) {
        FieldList f;
        for (int i = 0; i < n; ++i) f.emplace_back("x-dummy" + std::to_string(i), std::string(4000, 'x'));
        return f;
    }
    // A header block as HEADERS (the request) + CONTINUATION frames (dummy headers each),
    // the way h2spec sends it; with `end` false the last CONTINUATION lacks END_HEADERS.
    void send_continued(StreamId id, int continuations, bool end_stream = true, bool end = true) {
        send(headers(id, get_request(), end_stream, false));
        for (int i = 0; i < continuations; ++i) {
            frame::Buffer out;
            const bool last = i + 1 == continuations;
            frame::write_raw_frame(out, 9, last && end ? frame::flags::end_headers : 0, id, block(dummy_headers(1)));
            send(out);
        }
    }
    void send_headers(StreamId id, const FieldList& fields = get_request(), bool end_stream = true) {
        send(headers(id, fields, end_stream));
    }
    // DATA, cut into frames of at most 16 KiB as a real peer would.
    void send_data(StreamId id, std::string_view data, bool end_stream, std::uint8_t pad = 0) {
        frame::Buffer out;
        const std::size_t room = frame::default_max_frame_size - (pad ? pad + 1u : 0u);
        do {
            const std::size_t n = std::min(data.size(), room);
            frame::write_data(out, id, {reinterpret_cast<const std::uint8_t*>(data.data()), n},
                              end_stream && n == data.size(), pad);
            data.remove_prefix(n);
        } while (!data.empty());
        send(out);
    }
    void send_settings(std::vector<frame::Setting> s = {}) {
        frame::Buffer out;
        frame::write_settings(out, s);
        send(out);
    }
    void send_settings_ack() {
        frame::Buffer out;
        frame::write_settings_ack(out);
        send(out);
    }
    void send_ping(std::array<std::uint8_t, 8> o = {'p', 'i', 'n', 'g', 0, 0, 0, 1}, bool ack = false) {
        frame::Buffer out;
        frame::write_ping(out, o, ack);
        send(out);
    }
    void send_window_update(StreamId id, std::uint32_t inc) {
        frame::Buffer out;
        frame::write_window_update(out, id, inc);
        send(out);
    }
    void send_rst(StreamId id, ErrorCode code) {
        frame::Buffer out;
        frame::write_rst_stream(out, id, code);
        send(out);
    }
    void send_priority(StreamId id, frame::PrioritySpec p) {
        frame::Buffer out;
        frame::write_priority(out, id, p);
        send(out);
    }
    void send_raw(std::uint8_t type, std::uint8_t flags, StreamId id, const Bytes& payload) {
        frame::Buffer out;
        frame::write_raw_frame(out, type, flags, id, payload);
        send(out);
    }

    // A server under test: client magic and SETTINGS, the server's SETTINGS read and acked,
    // and our SETTINGS acked by the server.
    void handshake(std::vector<frame::Setting> settings = {}) {
        send(std::string("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"));
        send_settings(std::move(settings));
        const auto f = frames();
        ASSERT_FALSE(f.empty());
        ASSERT_EQ(f[0].rfind("SETTINGS ack=0", 0), 0u) << f[0];
        ASSERT_EQ(f.back(), "SETTINGS ack=1");
        send_settings_ack();
        events.clear();
        log = {};
    }
    // A client under test: its preface is read, our SETTINGS sent, ACKs exchanged.
    void client_handshake(std::vector<frame::Setting> settings = {}) {
        auto out = conn.pending_output();
        const std::string magic = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
        ASSERT_GE(out.size(), magic.size());
        ASSERT_EQ(std::string(out.begin(), out.begin() + magic.size()), magic);
        conn.consume_output(magic.size());
        const auto f = frames();
        ASSERT_FALSE(f.empty());
        ASSERT_EQ(f[0].rfind("SETTINGS ack=0", 0), 0u);
        send_settings(std::move(settings));
        send_settings_ack();
        ASSERT_EQ(frames(), (std::vector<std::string>{"SETTINGS ack=1"}));
        events.clear();
        log = {};
    }

    // --- reading -------------------------------------------------------------------------
    // Everything the connection wrote since the last call, one line per frame. HEADERS and
    // PUSH_PROMISE show their decoded fields: "HEADERS s=1 es=1 :status=200 content-length=2".
    std::vector<std::string> frames() {
        std::vector<std::string> out;
#ifdef LIBH2_CONFORMANCE_OVER_SOCKET
        if (wire_) {
            const auto bytes = wire_->read_until_quiet();
            raw_.insert(raw_.end(), bytes.begin(), bytes.end());
        }
#endif
        for (;;) {
            if (!engine_visible()) break;  // the local engine is not the server
            const auto batch = conn.pending_batch();
            if (batch.octets.empty()) break;
            // External payloads (submit_external_data) are the caller's to write: here each is
            // its stream's letter ('a' + id % 26), repeated.
            std::size_t at = 0;
            for (const auto& x : batch.external) {
                const std::size_t upto = x.offset - batch.consumed;
                raw_.insert(raw_.end(), batch.octets.begin() + static_cast<std::ptrdiff_t>(at),
                            batch.octets.begin() + static_cast<std::ptrdiff_t>(upto));
                raw_.insert(raw_.end(), x.length, static_cast<std::uint8_t>('a' + x.stream % 26));
                at = upto;
            }
            raw_.insert(raw_.end(), batch.octets.begin() + static_cast<std::ptrdiff_t>(at), batch.octets.end());
            conn.consume_output(batch.octets.size());
        }
        std::span<const std::uint8_t> in(raw_);
        for (;;) {
            frame::Frame f;
            ProtocolError e;
            const auto st = reader_.next(in, f, e);
            if (st != frame::FrameReader::Status::frame) {
                if (st == frame::FrameReader::Status::error) out.push_back("UNREADABLE " + describe(e));
                break;
            }
            out.push_back(describe_output(f));
        }
        raw_.erase(raw_.begin(), raw_.end() - static_cast<std::ptrdiff_t>(in.size()));
        return out;
    }

    // Helpers over events.
    template <class T>
    std::vector<T> events_of() const {
        std::vector<T> v;
        for (const auto& e : events) {
            if (auto* x = std::get_if<T>(&e)) v.push_back(*x);
        }
        return v;
    }

    // The server ended the connection: the engine is closed (in memory), or the socket was
    // closed by the server (over a socket).
    bool closed() const noexcept {
#ifdef LIBH2_CONFORMANCE_OVER_SOCKET
        if (wire_) return wire_->closed();
#endif
        return conn.is_closed();
    }
    // The engine and its events can be observed (in memory); over a socket only the wire can.
    bool engine_visible() const noexcept {
#ifdef LIBH2_CONFORMANCE_OVER_SOCKET
        return wire_ == nullptr;
#else
        return true;
#endif
    }

    // The connection still works: a PING gets its ACK.
    bool alive() {
        frames();
        send_ping({'a', 'l', 'i', 'v', 'e', '-', '-', '-'});
        const auto f = frames();
        return !f.empty() && f.back() == "PING ack=1 'alive---'";
    }

private:
    std::string describe_output(const frame::Frame& f) {
        if (const auto* h = std::get_if<frame::HeadersFrame>(&f)) {
            block_.insert(block_.end(), h->fragment.begin(), h->fragment.end());
            block_stream_ = h->stream_id;
            head_ = "HEADERS s=" + std::to_string(h->stream_id) + " es=" + std::to_string(h->end_stream);
            if (!h->end_headers) return "HEADERS (continued)";
            return finish_block();
        }
        if (const auto* c = std::get_if<frame::ContinuationFrame>(&f)) {
            block_.insert(block_.end(), c->fragment.begin(), c->fragment.end());
            if (!c->end_headers) return "CONTINUATION (continued)";
            return "CONTINUATION " + finish_block();
        }
        return describe(f);
    }
    std::string finish_block() {
        std::vector<hpack::HeaderField> fields;
        const auto r = decoder.decode(block_, fields);
        std::string s = head_;
        if (!r.ok()) s += " UNDECODABLE";
        // Appended piece by piece: `" " + std::string(...)` trips GCC 12's -Wrestrict at -O3
        // (a false positive in its inlined std::string::insert).
        for (const auto& x : fields) s.append(" ").append(x.name).append("=").append(x.value);
        block_.clear();
        return s;
    }
    void respond_from(std::size_t first) {
        if (!auto_respond || conn.role() != Role::server) return;
        for (std::size_t i = first; i < events.size(); ++i) {
            StreamId id = 0;
            if (const auto* h = std::get_if<HeadersReceived>(&events[i]); h && h->end_stream) id = h->stream;
            if (const auto* d = std::get_if<DataReceived>(&events[i]); d && d->end_stream) id = d->stream;
            if (id == 0) continue;
            const hpack::HeaderField resp[] = {{":status", "200"}, {"content-length", "2"}};
            if (conn.submit_response(id, resp, false) != SubmitError::none) continue;
            conn.submit_data(id, Bytes{'o', 'k'}, true);
            responded.push_back(id);
        }
    }

#ifdef LIBH2_CONFORMANCE_OVER_SOCKET
    std::unique_ptr<Wire> wire_;
#endif
    frame::FrameReader reader_{frame::max_allowed_frame_size};
    std::vector<std::uint8_t> raw_;
    std::vector<std::uint8_t> block_;
    StreamId block_stream_ = 0;
    std::string head_;
};

// The frame the connection wrote that starts with `prefix`, or "".
inline std::string find_frame(const std::vector<std::string>& frames, const std::string& prefix) {
    for (const auto& f : frames) {
        if (f.rfind(prefix, 0) == 0) return f;
    }
    return "";
}

inline std::string goaway_code(const std::vector<std::string>& frames) {
    const std::string g = find_frame(frames, "GOAWAY");
    if (g.empty()) return "no GOAWAY";
    const auto a = g.find(' ', g.find("last=")) + 1;
    return g.substr(a, g.find(' ', a) - a);
}

}  // namespace h2::test
