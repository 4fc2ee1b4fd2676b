#include "session.hpp"

#include <sys/sendfile.h>
#include <unistd.h>

#include <boost/beast/core/flat_buffer.hpp>
#include <cstring>

#include "http1.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <iostream>

namespace h2::runtime {

using namespace boost::asio::experimental::awaitable_operators;
using Clock = Connection::Clock;

template <class Stream>
Session<Stream>::Session(Stream stream, const SessionContext& context)
    : stream_(std::move(stream)),
      timer_(stream_.get_executor()),
      context_(context),
      conn_(Connection::server(context.engine_config())) {
    ++context_.live_sessions;
    ++context_.metrics.connections;
    boost::system::error_code ec;
    const auto remote = stream_.lowest_layer().remote_endpoint(ec);
    if (!ec) peer_ = remote.address().to_string();
}

template <class Stream>
Session<Stream>::~Session() {
    context_.metrics.connection_ended(conn_.counters());
    --context_.live_sessions;
}

Response answer(const SessionContext& context, const Request& request, std::string_view peer,
                std::string_view protocol) {
    Response resp;
    if (context.is_metrics_request(request.method, request.path)) {
        resp.fields = {{"content-type", "text/plain; version=0.0.4"}};
        resp.body = context.metrics.prometheus(context.live_sessions.load());
    } else {
        try {
            resp = context.handler(request);
        } catch (const std::exception& ex) {
            if (context.options.log_level >= LogLevel::error) std::cerr << "handler: " << ex.what() << "\n";
            resp = Response{500, {{"content-type", "text/plain"}}, "500 Internal Server Error\n", {}, {}};
        }
    }
    context.served(protocol, peer, request.method, request.path, resp.status,
                   resp.file ? resp.file.length() : resp.body.size());
    return resp;
}

template <class Stream>
void Session<Stream>::request_shutdown() {
    shutdown_requested_ = true;
    wake();
}

template <class Stream>
void Session<Stream>::wake() noexcept {
    // Only the read is interrupted: during a write the timer bounds the write, and the flush
    // that follows it picks up whatever was submitted meanwhile.
    if (waiting_for_input_) timer_.cancel();
}

template <class Stream>
void Session<Stream>::send_file(StreamId id, FileRange file) {
    files_.push_back({id, std::move(file), 0, false, Clock::now()});
}

namespace {
template <class Stream>
asio::awaitable<void> run_exchange(std::shared_ptr<Session<Stream>> session, std::shared_ptr<H2Exchange> exchange) {
    co_await serve_exchange(session->context(), exchange->request, *exchange, "HTTP/2");
    exchange->complete();
    session->wake();
}
}  // namespace

template <class Stream>
bool Session<Stream>::answer_quickly(const HeadersReceived& h) {
    RequestHead head;
    std::size_t regular = 0;  // the engine puts pseudo-fields first (RFC 9113 §8.3)
    for (const auto& f : h.fields) {
        if (f.name.empty() || f.name[0] != ':') break;
        ++regular;
        if (f.name == ":method") head.method = f.value;
        else if (f.name == ":scheme") head.scheme = f.value;
        else if (f.name == ":authority") head.authority = f.value;
        else if (f.name == ":path") head.path = f.value;
    }
    head.fields = h.fields.subspan(regular);
    if (context_.is_metrics_request(head.method, head.path)) return false;
    QuickResponse r;
    // A status out of 200-999 is not an answer: the coroutine handler gets the request.
    if (!context_.async_handler->quick(head, r) || r.status < 200 || r.status > 999) return false;
    const bool head_request = head.method == "HEAD";
    const bool file = r.file && !head_request && r.file.length() > 0;
    const std::string_view body = head_request || r.file ? std::string_view{} : r.body;
    char code[3];
    const auto& list = head_fields(field_scratch_, r.status, r.fields, code);
    const bool end = body.empty() && !file;
    context_.served("HTTP/2", peer_, head.method, head.path, r.status, file ? r.file.length() : body.size());
    if (conn_.submit_response(h.stream, list, end) != SubmitError::none || end) return true;
    if (file) {
        files_.push_back({h.stream, std::move(r.file), 0, false, Clock::now()});
        return true;
    }
    const std::size_t taken = conn_.submit_data(
        h.stream, {reinterpret_cast<const std::uint8_t*>(body.data()), body.size()}, true);
    if (taken < body.size()) {  // more than the stream's buffer: the rest as StreamWritable lets it
        outgoing_[h.stream] = Outgoing{std::string(body.substr(taken)), 0, {}};
    }
    return true;
}

// A coroutine handler for a new request stream; it starts once the session next waits.
template <class Stream>
void Session<Stream>::start_exchange(const HeadersReceived& h) {
    if (h.end_stream && context_.async_handler->quick && answer_quickly(h)) return;
    auto exchange = std::make_shared<H2Exchange>(*this, h.stream, stream_.get_executor());
    ServerRequest& request = exchange->request;
    request.fields.reserve(h.fields.size());
    for (const auto& f : h.fields) {
        if (f.name == ":method") request.method = f.value;
        else if (f.name == ":scheme") request.scheme = f.value;
        else if (f.name == ":authority") request.authority = f.value;
        else if (f.name == ":path") request.path = f.value;
        else if (!f.name.empty() && f.name[0] != ':') request.fields.emplace_back(f.name, f.value);
    }
    request.peer = peer_;
    if (h.end_stream) exchange->end_body();
    exchanges_.emplace_back(h.stream, exchange);
    auto executor = stream_.get_executor();
    auto& slot_owner = exchange->cancel;
    asio::co_spawn(executor, run_exchange(this->shared_from_this(), exchange),
                   asio::bind_cancellation_slot(slot_owner.slot(), [executor, exchange](std::exception_ptr) mutable {
                       // The spawned thread still clears its slot after this handler: keep the
                       // signal (in the exchange) until everything on this stack is done.
                       asio::post(executor, [keep = std::move(exchange)] {});
                   }));
}

template <class Stream>
void Session<Stream>::end_exchange(StreamId id, bool gone) {
    for (std::size_t i = 0; i < exchanges_.size(); ++i) {
        if (exchanges_[i].first != id) continue;
        if (gone) exchanges_[i].second->on_gone();
        exchanges_[i] = std::move(exchanges_.back());
        exchanges_.pop_back();
        return;
    }
}

// Reads until the first octets tell HTTP/2 with prior knowledge (the client preface, RFC 9113
// §3.4) from HTTP/1.1. Returns false for HTTP/1.1; throws on a handshake timeout or EOF.
template <class Stream>
asio::awaitable<bool> Session<Stream>::sniff(boost::beast::flat_buffer& in) {
    static constexpr std::string_view kPreface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
    for (;;) {
        const std::size_t n = std::min(in.size(), kPreface.size());
        if (n > 0 && std::memcmp(in.data().data(), kPreface.data(), n) != 0) co_return false;
        if (n == kPreface.size()) co_return true;
        timer_.expires_after(context_.options.handshake_timeout);
        auto r = co_await (stream_.async_read_some(in.prepare(4096), asio::as_tuple(asio::use_awaitable)) ||
                           timer_.async_wait(asio::as_tuple(asio::use_awaitable)));
        if (r.index() != 0) throw boost::system::system_error(asio::error::timed_out);
        const auto [read_error, got] = std::get<0>(r);
        if (read_error) throw boost::system::system_error(read_error);
        in.commit(got);
    }
}

// TLS: the handshake within the handshake timeout; true when ALPN chose h2 (RFC 9113 §3.2).
template <class Stream>
asio::awaitable<bool> Session<Stream>::negotiate() {
    if constexpr (tls) {
        timer_.expires_after(context_.options.handshake_timeout);
        auto r = co_await (stream_.async_handshake(asio::ssl::stream_base::server, asio::as_tuple(asio::use_awaitable)) ||
                           timer_.async_wait(asio::as_tuple(asio::use_awaitable)));
        if (r.index() != 0) throw boost::system::system_error(asio::error::timed_out);
        if (const auto [ec] = std::get<0>(r); ec) throw boost::system::system_error(ec);
        const unsigned char* proto = nullptr;
        unsigned int len = 0;
        SSL_get0_alpn_selected(stream_.native_handle(), &proto, &len);
        co_return len == 2 && proto[0] == 'h' && proto[1] == '2';
    } else {
        co_return false;
    }
}

template <class Stream>
asio::awaitable<void> Session<Stream>::run() {
    auto self = this->shared_from_this();
    const auto start = Clock::now();
    auto last_activity = start;
    std::array<std::uint8_t, 64 * 1024> buffer;
    try {
        auto& socket = stream_.lowest_layer();
        socket.set_option(asio::ip::tcp::no_delay(true));
        socket.native_non_blocking(true);  // sendfile(2) on the descriptor must not block the thread
        boost::beast::flat_buffer first;
        // Cleartext: the client preface says h2 with prior knowledge. TLS: ALPN says.
        const bool h2 = tls ? co_await negotiate() : co_await sniff(first);
        if (!h2) {
            // HTTP/1.1; on cleartext an Upgrade: h2c request turns into stream 1.
            auto up = co_await serve_http1(stream_, first, context_);
            if (!up) throw boost::system::system_error(asio::error::eof);
            std::vector<hpack::HeaderField> fields;
            for (const auto& [n, v] : up->fields) fields.push_back({n, v});
            auto upgraded = Connection::server_upgrade(context_.engine_config(), up->settings, fields);
            if (!upgraded) throw boost::system::system_error(asio::error::invalid_argument);
            conn_ = std::move(*upgraded);
        }
        conn_.set_time(start);
        co_await flush();  // our SETTINGS
        // Octets that arrived with the sniffed ones (the preface, or what followed the upgrade).
        if (first.size() > 0) {
            events_.clear();
            conn_.receive({static_cast<const std::uint8_t*>(first.data().data()), first.size()}, events_);
            for (const Event& e : events_) handle(e);
            co_await flush();
        }
        while (!conn_.should_close()) {
            if (shutdown_requested_ && !shutting_down_) {
                shutting_down_ = true;
                conn_.shutdown_gracefully();
                co_await flush();
                continue;
            }
            // Wait for bytes, or for the next deadline: the engine's, the idle or handshake
            // timeout, whichever comes first.
            const auto now = Clock::now();
            auto deadline = now + std::chrono::seconds(1);
            if (auto d = conn_.next_deadline(); d && *d < deadline) deadline = *d;
            timer_.expires_at(deadline);
            waiting_for_input_ = true;
            // as_tuple: with operator|| an operation that throws does not count as done, so a
            // closed connection (EOF) would only be noticed when the timer fires.
            auto result = co_await (stream_.async_read_some(asio::buffer(buffer), asio::as_tuple(asio::use_awaitable)) ||
                                    timer_.async_wait(asio::as_tuple(asio::use_awaitable)));
            waiting_for_input_ = false;
            const auto t = Clock::now();
            conn_.set_time(t);
            if (result.index() == 0) {
                const auto [read_error, n] = std::get<0>(result);
                if (read_error) throw boost::system::system_error(read_error);
                last_activity = t;
                events_.clear();
                conn_.receive({buffer.data(), n}, events_);
                for (const Event& e : events_) handle(e);
            } else {
                conn_.on_deadline(t);
                reset_stalled_streams(t);
                const bool idle = conn_.open_streams() == 0 && files_.empty() && exchanges_.empty();
                if (idle && t - last_activity > context_.options.idle_timeout) conn_.goaway(ErrorCode::no_error, "idle");
                if (conn_.counters().frames_received == 0 && t - start > context_.options.handshake_timeout) break;
            }
            co_await flush();  // also handles the events of API calls made since (poll_events)
        }
        co_await flush();
    } catch (const boost::system::system_error& e) {
        if (context_.options.log_level >= LogLevel::debug) std::cerr << "connection: " << e.what() << "\n";
    } catch (const std::exception& e) {
        // Nothing may escape: co_spawn(detached) would swallow it silently.
        if (context_.options.log_level >= LogLevel::error) std::cerr << "connection failed: " << e.what() << "\n";
    }
    waiting_for_input_ = false;
    // Handlers still running learn that their streams are gone (and are cancelled).
    for (auto& [id, exchange] : exchanges_) exchange->on_gone();
    exchanges_.clear();
    boost::system::error_code ignored;
    stream_.lowest_layer().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    stream_.lowest_layer().close(ignored);
}

template <class Stream>
void Session<Stream>::handle(const Event& e) {
    if (context_.async_handler) {
        handle_for_exchanges(e);
        return;
    }
    if (const auto* h = std::get_if<HeadersReceived>(&e)) {
        if (h->kind == HeadersKind::request) {
            Incoming& in = incoming_[h->stream];
            for (const auto& f : h->fields) {
                if (f.name == ":method") in.request.method = f.value;
                else if (f.name == ":scheme") in.request.scheme = f.value;
                else if (f.name == ":authority") in.request.authority = f.value;
                else if (f.name == ":path") in.request.path = f.value;
                else if (!f.name.empty() && f.name[0] != ':') in.request.fields.emplace_back(f.name, f.value);
            }
        }
        if (h->end_stream) {
            if (auto it = incoming_.find(h->stream); it != incoming_.end()) respond(h->stream, it->second);
        }
    } else if (const auto* d = std::get_if<DataReceived>(&e)) {
        auto it = incoming_.find(d->stream);
        if (it == incoming_.end()) return;
        Incoming& in = it->second;
        if (in.request.body.size() + d->data.size() > context_.options.max_request_body) in.too_large = true;
        if (!in.too_large) in.request.body.append(d->data.begin(), d->data.end());
        if (d->end_stream) respond(d->stream, in);
    } else if (const auto* w = std::get_if<StreamWritable>(&e)) {
        feed(w->stream);
        for (FileJob& j : files_) {
            if (j.stream == w->stream) j.blocked = false;
        }
    } else if (const auto* r = std::get_if<StreamReset>(&e)) {
        context_.metrics.stream_reset(r->code, r->initiator == Initiator::remote);
        incoming_.erase(r->stream);
        outgoing_.erase(r->stream);
        std::erase_if(files_, [&](const FileJob& j) { return j.stream == r->stream; });
    } else if (const auto* c = std::get_if<StreamClosed>(&e)) {
        incoming_.erase(c->stream);
        outgoing_.erase(c->stream);
    } else if (const auto* x = std::get_if<ConnectionError>(&e)) {
        log_connection_error(*x);
    }
}

// Coroutine handlers: the stream's events go to its exchange.
template <class Stream>
void Session<Stream>::handle_for_exchanges(const Event& e) {
    const auto find = [&](StreamId id) -> H2Exchange* {
        for (const auto& [sid, x] : exchanges_) {
            if (sid == id) return x.get();
        }
        return nullptr;
    };
    if (const auto* h = std::get_if<HeadersReceived>(&e)) {
        if (h->kind == HeadersKind::request) {
            start_exchange(*h);
        } else if (h->kind == HeadersKind::trailers) {
            if (H2Exchange* x = find(h->stream)) x->on_trailers(h->fields);
        }
    } else if (const auto* d = std::get_if<DataReceived>(&e)) {
        if (H2Exchange* x = find(d->stream)) {
            x->on_data(d->data, d->end_stream);
        } else {
            conn_.release_received_data(d->stream, static_cast<std::uint32_t>(d->data.size()));
        }
    } else if (const auto* w = std::get_if<StreamWritable>(&e)) {
        if (H2Exchange* x = find(w->stream)) x->on_writable();
        if (!outgoing_.empty()) feed(w->stream);  // a quick answer's body
        for (FileJob& j : files_) {
            if (j.stream == w->stream) j.blocked = false;
        }
    } else if (const auto* r = std::get_if<StreamReset>(&e)) {
        context_.metrics.stream_reset(r->code, r->initiator == Initiator::remote);
        end_exchange(r->stream, true);
        if (!outgoing_.empty()) outgoing_.erase(r->stream);
        std::erase_if(files_, [&](const FileJob& j) { return j.stream == r->stream; });
    } else if (const auto* c = std::get_if<StreamClosed>(&e)) {
        end_exchange(c->stream, false);
        if (!outgoing_.empty()) outgoing_.erase(c->stream);
    } else if (const auto* x = std::get_if<ConnectionError>(&e)) {
        log_connection_error(*x);
    }
}

template <class Stream>
void Session<Stream>::log_connection_error(const ConnectionError& x) const {
    if (context_.options.log_level >= LogLevel::info) {
        std::cerr << "connection error (" << (x.initiator == Initiator::local ? "sent" : "received")
                  << "): " << to_string(x.code) << ": " << x.reason << "\n";
    }
}

template <class Stream>
void Session<Stream>::respond(StreamId id, Incoming& in) {
    Response resp;
    if (in.too_large) {
        resp.status = 413;
        resp.body = "413 Content Too Large\n";
        context_.metrics.response(413, resp.body.size());
    } else {
        resp = answer(context_, in.request, peer_, "HTTP/2");
    }
    incoming_.erase(id);
    const std::string status = std::to_string(resp.status);
    std::vector<hpack::HeaderField> fields{{":status", status}};
    for (const auto& [n, v] : resp.fields) fields.push_back({n, v});
    const bool has_body = resp.file ? resp.file.length() > 0 : !resp.body.empty();
    const bool end = !has_body && resp.trailers.empty();
    if (conn_.submit_response(id, fields, end) != SubmitError::none || end) return;
    if (resp.file) {
        files_.push_back({id, std::move(resp.file), 0, false, Clock::now()});
        return;
    }
    outgoing_[id] = Outgoing{std::move(resp.body), 0, std::move(resp.trailers)};
    feed(id);
}

// Hands the engine as much of a memory body as it takes; trailers once it is all taken.
template <class Stream>
void Session<Stream>::feed(StreamId id) {
    auto it = outgoing_.find(id);
    if (it == outgoing_.end()) return;
    Outgoing& o = it->second;
    const std::span<const std::uint8_t> rest(reinterpret_cast<const std::uint8_t*>(o.body.data()) + o.offset,
                                             o.body.size() - o.offset);
    const bool trailers = !o.trailers.empty();
    o.offset += conn_.submit_data(id, rest, !trailers);
    if (o.offset < o.body.size()) return;  // StreamWritable will call again
    if (trailers) {
        std::vector<hpack::HeaderField> t;
        for (const auto& [n, v] : o.trailers) t.push_back({n, v});
        conn_.submit_trailers(id, t);
    }
    outgoing_.erase(it);
}

template <class Stream>
template <class Buffers>
asio::awaitable<void> Session<Stream>::write_all(const Buffers& buffers) {
    timer_.expires_after(context_.options.write_timeout);
    auto r = co_await (asio::async_write(stream_, buffers, asio::as_tuple(asio::use_awaitable)) ||
                       timer_.async_wait(asio::as_tuple(asio::use_awaitable)));
    if (r.index() != 0) throw boost::system::system_error(asio::error::timed_out, "write stalled");
    if (const auto [ec, n] = std::get<0>(r); ec) throw boost::system::system_error(ec);
}

// SECURITY-PLAN SEC-15g: a response the client never lets through (its window stays shut)
// must not hold the stream, its file and our memory forever.
template <class Stream>
void Session<Stream>::reset_stalled_streams(Clock::time_point now) {
    for (std::size_t i = 0; i < files_.size();) {
        if (files_[i].blocked && now - files_[i].progress > context_.options.stream_stall_timeout) {
            const StreamId id = files_[i].stream;
            files_.erase(files_.begin() + static_cast<std::ptrdiff_t>(i));
            conn_.reset_stream(id, ErrorCode::cancel);
        } else {
            ++i;
        }
    }
}

template <class Stream>
asio::awaitable<void> Session<Stream>::flush() {
    for (;;) {
        const auto out = conn_.pending_output();
        if (!out.empty()) {
            co_await write_all(asio::buffer(out.data(), out.size()));
            conn_.consume_output(out.size());
        }
        // Framing output raises events of its own (StreamWritable when a body buffer drains,
        // StreamClosed): handle them now, or a body would wait for the next read to go on.
        events_.clear();
        conn_.poll_events(events_);
        for (const Event& e : events_) handle(e);
        if (!out.empty() || !events_.empty()) continue;
        if (!co_await send_file_frames()) co_return;
    }
}

// File streams take turns, up to kFileBurst octets each: DATA frames inside reserved
// flow-control windows, the header from the engine, the payload by sendfile(2) (cleartext) or
// pread(2) into one buffer for the whole burst (TLS: one encrypted write).
constexpr std::uint64_t kFileBurst = 256 * 1024;

template <class Stream>
asio::awaitable<bool> Session<Stream>::send_file_frames() {
    bool progressed = false;
    for (std::size_t i = 0; i < files_.size();) {
        FileJob& job = files_[i];
        std::uint64_t burst = 0;
        bool gone = false;
        if constexpr (tls) file_buffer_.clear();
        // Other output (a handler's, control frames) goes first: a reservation must follow
        // everything pending.
        while (!job.blocked && burst < kFileBurst && job.sent < job.file.length() && !conn_.has_pending_output()) {
            const std::uint64_t left = job.file.length() - job.sent;
            SubmitError error{};
            const auto r = conn_.reserve_data(job.stream, static_cast<std::uint32_t>(std::min<std::uint64_t>(left, 1u << 20)),
                                              left <= (1u << 20), &error);
            if (error != SubmitError::none) {  // the stream went away
                gone = true;
                break;
            }
            if (r.length == 0) {
                job.blocked = true;  // until StreamWritable
                break;
            }
            const std::uint64_t offset = job.file.offset() + job.sent;
            if constexpr (!tls) {
                co_await send_frame_with_sendfile(r.header, job.file.fd(), offset, r.length);
            } else {
                append_frame_from_file(r.header, job.file.fd(), offset, r.length);
            }
            job.sent += r.length;
            burst += r.length;
        }
        if constexpr (tls) {
            if (!file_buffer_.empty()) co_await write_all(asio::buffer(file_buffer_));
        }
        if (burst > 0) {
            job.progress = Clock::now();
            progressed = true;
        }
        if (gone || job.sent == job.file.length()) {
            files_.erase(files_.begin() + static_cast<std::ptrdiff_t>(i));
        } else {
            ++i;
        }
        if (conn_.has_pending_output()) break;  // control frames first
    }
    co_return progressed;
}

// Cleartext: the 9-octet header with MSG_MORE, so that the kernel sends it in one segment
// with the payload that sendfile(2) adds right after (not as a tiny packet of its own).
template <class Stream>
asio::awaitable<void> Session<Stream>::send_frame_with_sendfile(const std::array<std::uint8_t, 9>& header, int fd,
                                                               std::uint64_t offset, std::uint64_t length) {
    if constexpr (!tls) {
        const ssize_t n = ::send(stream_.native_handle(), header.data(), header.size(), MSG_MORE | MSG_NOSIGNAL);
        if (n < 0 && errno != EAGAIN && errno != EINTR) {
            throw boost::system::system_error(errno, boost::system::system_category(), "send");
        }
        const std::size_t sent = n > 0 ? static_cast<std::size_t>(n) : 0;
        if (sent < header.size()) co_await write_all(asio::buffer(header.data() + sent, header.size() - sent));
        co_await sendfile_to(stream_, fd, offset, length, context_.options.write_timeout);
    }
}

// TLS: a frame's header and payload appended to file_buffer_ (the octets must pass through
// OpenSSL anyway), written once per burst.
template <class Stream>
void Session<Stream>::append_frame_from_file(const std::array<std::uint8_t, 9>& header, int fd, std::uint64_t offset,
                                             std::uint64_t length) {
    const std::size_t at = file_buffer_.size();
    file_buffer_.resize(at + header.size() + length);
    std::memcpy(file_buffer_.data() + at, header.data(), header.size());
    std::uint8_t* payload = file_buffer_.data() + at + header.size();
    std::size_t got = 0;
    while (got < length) {
        const ssize_t n = ::pread(fd, payload + got, length - got, static_cast<off_t>(offset + got));
        if (n <= 0) throw boost::system::system_error(n == 0 ? EIO : errno, boost::system::system_category(), "pread");
        got += static_cast<std::size_t>(n);
    }
}

asio::awaitable<void> sendfile_to(asio::ip::tcp::socket& socket, int fd, std::uint64_t offset, std::uint64_t length,
                                  std::chrono::seconds timeout) {
    off_t off = static_cast<off_t>(offset);
    asio::steady_timer timer(socket.get_executor());
    while (length > 0) {
        const ssize_t n = ::sendfile(socket.native_handle(), fd, &off, length);
        if (n > 0) {
            length -= static_cast<std::uint64_t>(n);
        } else if (n == 0) {
            // The file shrank since it was opened: the stream cannot be completed.
            throw boost::system::system_error(EIO, boost::system::system_category(), "file truncated");
        } else if (errno == EAGAIN || errno == EINTR) {
            timer.expires_after(timeout);
            auto r = co_await (socket.async_wait(asio::ip::tcp::socket::wait_write, asio::as_tuple(asio::use_awaitable)) ||
                               timer.async_wait(asio::as_tuple(asio::use_awaitable)));
            if (r.index() != 0) throw boost::system::system_error(asio::error::timed_out, "write stalled");
        } else {
            throw boost::system::system_error(errno, boost::system::system_category(), "sendfile");
        }
    }
}

template class Session<asio::ip::tcp::socket>;
template class Session<TlsStream>;

}  // namespace h2::runtime
