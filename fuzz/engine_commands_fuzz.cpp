// The commands a runtime applies to the engines, in random interleavings: a server engine
// driven as h2serve's driver drives it (responses, copied and external DATA, trailers, resets,
// credit returned as handlers read, PINGs, GOAWAY, graceful shutdown, time passing) facing a
// client engine driven the same way, the octets between them delivered in random pieces.
// Both sides use the API only, so neither may ever see a protocol error from the other: any
// ConnectionError other than NO_ERROR, ENHANCE_YOUR_CALM (abuse limits may trip on a fuzzed
// PING storm) or SETTINGS_TIMEOUT aborts, as does a crash or a hang.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "h2/connection/connection.hpp"

namespace {

using namespace h2;

struct Side {
    Connection conn;
    std::vector<StreamId> streams;  // seen or opened
    std::string wire;               // written, not yet delivered to the other side
};

void check(const std::vector<Event>& events, Side& side, bool server) {
    for (const Event& ev : events) {
        if (const auto* e = std::get_if<ConnectionError>(&ev)) {
            if (e->code != ErrorCode::no_error && e->code != ErrorCode::enhance_your_calm &&
                e->code != ErrorCode::settings_timeout) {
                std::abort();
            }
        } else if (const auto* h = std::get_if<HeadersReceived>(&ev); h && server) {
            side.streams.push_back(h->stream);
        }
    }
}

// The whole current batch onto the wire, external payloads materialised as the runtime does.
void flush(Side& s) {
    auto batch = s.conn.pending_batch();
    std::size_t at = batch.consumed;
    for (const auto& x : batch.external) {
        if (x.offset < at) continue;
        s.wire.append(reinterpret_cast<const char*>(batch.octets.data()) + at, x.offset - at);
        s.wire.append(x.length, 'e');
        at = x.offset;
    }
    s.wire.append(reinterpret_cast<const char*>(batch.octets.data()) + at, batch.octets.size() - at);
    s.conn.consume_output(batch.octets.size() - batch.consumed);
}

void deliver(Side& from, Side& to, std::size_t n, bool to_server) {
    flush(from);
    n = std::min(n, from.wire.size());
    if (n == 0 || to.conn.is_closed()) return;
    std::vector<Event> events;
    to.conn.receive({reinterpret_cast<const std::uint8_t*>(from.wire.data()), n}, events);
    from.wire.erase(0, n);
    check(events, to, to_server);
}

StreamId pick(FuzzedDataProvider& in, const std::vector<StreamId>& ids) {
    if (ids.empty()) return 1;
    return ids[in.ConsumeIntegralInRange<std::size_t>(0, ids.size() - 1)];
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    Config sc;
    sc.auto_release = false;  // credit returns as handlers read, as in the runtime
    Config cc;
    cc.auto_release = in.ConsumeBool();
    Side server{Connection::server(sc), {}, {}};
    Side client{Connection::client(cc), {}, {}};
    auto now = Connection::Clock::time_point{} + std::chrono::hours(1);
    server.conn.set_time(now);
    client.conn.set_time(now);
    const hpack::HeaderField get[] = {{":method", "GET"}, {":scheme", "http"}, {":path", "/"}, {":authority", "a"}};
    const hpack::HeaderField post[] = {{":method", "POST"}, {":scheme", "http"}, {":path", "/e"}, {":authority", "a"}};
    const hpack::HeaderField ok[] = {{":status", "200"}, {"x", "y"}};
    const hpack::HeaderField trailers[] = {{"grpc-status", "0"}};
    std::vector<std::uint8_t> body(70000, 'b');
    for (int steps = 0; steps < 400 && in.remaining_bytes() > 0; ++steps) {
        const auto n = [&] { return in.ConsumeIntegralInRange<std::uint32_t>(0, 70000); };
        switch (in.ConsumeIntegralInRange<int>(0, 17)) {
            case 0:
                if (auto r = client.conn.submit_request(in.ConsumeBool() ? get : post, in.ConsumeBool());
                    r.error == SubmitError::none)
                    client.streams.push_back(r.value);
                break;
            case 1:
                client.conn.submit_data(pick(in, client.streams), {body.data(), n()}, in.ConsumeBool());
                break;
            case 2:
                client.conn.reset_stream(pick(in, client.streams),
                                         static_cast<ErrorCode>(in.ConsumeIntegralInRange(0, 13)));
                break;
            case 3:
                client.conn.release_received_data(pick(in, client.streams), n());
                break;
            case 4:
                client.conn.submit_ping({});
                break;
            case 5:
                server.conn.submit_response(pick(in, server.streams), ok, in.ConsumeBool());
                break;
            case 6:
                server.conn.submit_data(pick(in, server.streams), {body.data(), n()}, in.ConsumeBool());
                break;
            case 7:
                server.conn.submit_external_data(pick(in, server.streams), n(), in.ConsumeBool());
                break;
            case 8:
                server.conn.submit_trailers(pick(in, server.streams), trailers);
                break;
            case 9:
                server.conn.reset_stream(pick(in, server.streams),
                                         static_cast<ErrorCode>(in.ConsumeIntegralInRange(0, 13)));
                break;
            case 10:
                server.conn.release_received_data(pick(in, server.streams), n());
                break;
            case 11:
                server.conn.grow_stream_window(pick(in, server.streams), n());
                break;
            case 12:
                server.conn.goaway(ErrorCode::no_error, "fuzz");
                break;
            case 13:
                server.conn.shutdown_gracefully();
                break;
            case 14:
                now += std::chrono::milliseconds(in.ConsumeIntegralInRange(0, 20000));
                server.conn.on_deadline(now);
                client.conn.on_deadline(now);
                break;
            case 15:
                deliver(client, server, in.ConsumeIntegralInRange<std::size_t>(1, 100000), true);
                break;
            case 16:
                deliver(server, client, in.ConsumeIntegralInRange<std::size_t>(1, 100000), false);
                break;
            default:
                server.conn.grow_connection_window(n());
                break;
        }
    }
    // Everything delivered at the end: still no protocol error either way.
    for (int k = 0; k < 8; ++k) {
        deliver(client, server, 1u << 30, true);
        deliver(server, client, 1u << 30, false);
    }
    return 0;
}
