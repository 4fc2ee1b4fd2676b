#include "server_session.hpp"

#include <iostream>

#include "exchange.hpp"
#include "fields_internal.hpp"
#include "http1.hpp"
#include "transport.hpp"

namespace h2::runtime {

namespace {
// A quick answer's body up to this size is copied into the engine; a larger one is sent from
// the handler's memory (QuickResponse::keep holds it) as external DATA, without a copy.
constexpr std::size_t kCopiedBodyLimit = 2048;

std::string held_back_note(std::uint64_t n) {
    return n == 0 ? std::string() : " (" + std::to_string(n) + " similar lines held back)";
}
}  // namespace

template <class Socket>
ServerSession<Socket>::ServerSession(Socket socket, const SessionContext& context)
    : socket_(std::move(socket)), context_(context) {
    ++context_.live_sessions;
    ++context_.metrics.connections;
    boost::system::error_code ec;
    const auto remote = socket_.lowest_layer().remote_endpoint(ec);
    if (!ec) peer_ = remote.address().to_string();
}

template <class Socket>
ServerSession<Socket>::~ServerSession() {
    if (driver_) context_.metrics.connection_ended(driver_->connection().counters());
    --context_.live_sessions;
}

template <class Socket>
void ServerSession<Socket>::request_shutdown() {
    shutdown_requested_ = true;
    if (driver_) driver_->request_shutdown();
}

template <class Socket>
DriverOptions ServerSession<Socket>::driver_options(Clock::time_point handshake_deadline) const {
    const ServerOptions& o = context_.options;
    DriverOptions d;
    d.handshake_deadline = handshake_deadline;
    d.idle_timeout = o.idle_timeout;
    d.write_timeout = o.write_timeout;
    d.stream_stall_timeout = o.stream_stall_timeout;
    d.keepalive_interval = o.keepalive_interval;
    d.keepalive_timeout = o.keepalive_timeout;
    d.read_into_thread_buffer = true;  // each worker's io_context runs on its one thread
    return d;
}

// TLS or the first octets decide; HTTP/1.1 is served until it ends (nullopt) or upgrades.
template <class Socket>
asio::awaitable<std::optional<Connection>> ServerSession<Socket>::handshake(boost::beast::flat_buffer& first,
                                                                            Clock::time_point& deadline) {
    const Protocol p = co_await accept_protocol(socket_, first, deadline);
    if (p == Protocol::h2) co_return Connection::server(context_.engine_config());
    if (p == Protocol::refused) co_return std::nullopt;
    auto up = co_await serve_http1(socket_, first, context_);
    if (!up) co_return std::nullopt;
    std::vector<hpack::HeaderField> fields;
    for (const auto& [n, v] : up->fields) fields.push_back({n, v});
    auto upgraded = Connection::server_upgrade(context_.engine_config(), up->settings, fields);
    // After the 101 the client has the handshake time again for its preface and SETTINGS.
    deadline = Clock::now() + context_.options.handshake_timeout;
    co_return upgraded;
}

template <class Socket>
asio::awaitable<void> ServerSession<Socket>::run() {
    auto self = this->shared_from_this();
    // One deadline for the whole handshake: TLS, the preface, the first SETTINGS.
    auto deadline = Clock::now() + context_.options.handshake_timeout;
    try {
        auto& socket = socket_.lowest_layer();
        socket.set_option(asio::ip::tcp::no_delay(true));
        socket.native_non_blocking(true);  // the driver writes with sendmsg/sendfile itself
        boost::beast::flat_buffer first;
        auto conn = co_await handshake(first, deadline);
        if (conn) {
            // The octets read ahead, in a vector of their size: the sniffing buffer (4 KiB)
            // is not kept for the life of the connection.
            const auto* ahead = static_cast<const std::uint8_t*>(first.data().data());
            const std::vector<std::uint8_t> octets(ahead, ahead + first.size());
            first = boost::beast::flat_buffer();
            driver_.emplace(socket_, std::move(*conn), *this, driver_options(deadline));
            if (shutdown_requested_) driver_->request_shutdown();
            co_await driver_->run(octets);
        }
    } catch (const boost::system::system_error& e) {
        if (context_.options.log_level >= LogLevel::debug) std::cerr << "connection: " << e.what() << "\n";
    } catch (const std::exception& e) {
        // Nothing may escape: co_spawn(detached) would swallow it silently.
        if (context_.options.log_level >= LogLevel::error) std::cerr << "connection failed: " << e.what() << "\n";
    }
    boost::system::error_code ignored;
    socket_.lowest_layer().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    socket_.lowest_layer().close(ignored);
}

// ---------------------------------------------------------------------------------------
// The server's policy

template <class Socket>
void ServerSession<Socket>::on_headers(const HeadersReceived& h) {
    if (h.kind != HeadersKind::request) return;
    if (h.end_stream && context_.async_handler.quick && answer_quickly(h)) return;
    start_exchange(h);
}

template <class Socket>
void ServerSession<Socket>::on_stream_reset(const StreamReset& r) {
    context_.metrics.stream_reset(r.code, r.initiator == Initiator::remote);
}

template <class Socket>
void ServerSession<Socket>::on_connection_error(const ConnectionError& x) {
    std::uint64_t held_back = 0;
    if (context_.options.log_level >= LogLevel::info && context_.metrics.log_budget.take(held_back)) {
        std::cerr << "connection error (" << (x.initiator == Initiator::local ? "sent" : "received")
                  << "): " << to_string(x.code) << ": " << x.reason << held_back_note(held_back) << "\n";
    }
}

// Every reset of a stalled stream is explained: a log line and a metric say what held it.
template <class Socket>
void ServerSession<Socket>::on_stall(StreamId id, StallCause cause, std::chrono::seconds held) {
    ++context_.metrics.stalls[static_cast<std::size_t>(cause)];
    std::uint64_t held_back = 0;
    if (context_.options.log_level >= LogLevel::warn && context_.metrics.log_budget.take(held_back)) {
        std::cerr << "stream " << id << " from " << peer_ << " reset after " << held.count()
                  << " s without progress: " << explain(cause) << held_back_note(held_back) << "\n";
    }
}

// Called by the owner: the answer goes to the engine directly (the owner is the one caller).
template <class Socket>
bool ServerSession<Socket>::answer_quickly(const HeadersReceived& h) {
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
    if (!context_.async_handler.quick(head, r) || r.status < 200 || r.status > 999) return false;
    const bool head_request = head.method == "HEAD";
    const bool file = r.file && !head_request && r.file.length() > 0;
    const std::string_view body = head_request || r.file ? std::string_view{} : r.body;
    char code[3];
    const auto& list = head_fields(driver_->field_scratch(), r.status, r.fields, code);
    const bool end = body.empty() && !file;
    context_.served("HTTP/2", peer_, head.method, head.path, r.status, file ? r.file.length() : body.size());
    Connection& conn = driver_->connection();
    if (conn.submit_response(h.stream, list, end) != SubmitError::none || end) return true;
    if (!file && body.size() <= kCopiedBodyLimit) {
        conn.submit_data(h.stream, {reinterpret_cast<const std::uint8_t*>(body.data()), body.size()}, true);
        return true;
    }
    auto source = std::make_shared<BodySource>();
    if (file) {
        source->file = std::move(r.file);
    } else {
        source->memory = {reinterpret_cast<const std::uint8_t*>(body.data()), body.size()};
    }
    source->keep = std::move(r.keep);
    driver_->send_body(h.stream, std::move(source));
    return true;
}

namespace {
asio::awaitable<void> run_exchange(std::shared_ptr<SessionBase> session, std::shared_ptr<H2Exchange> exchange,
                                   const SessionContext& context) {
    co_await serve_exchange(context, exchange->request, *exchange, "HTTP/2");
    exchange->discard_inbound();  // unread body octets: their credit goes back
    (void)session;
}
}  // namespace

// A coroutine handler for a new request stream; it starts once the owner next waits.
template <class Socket>
void ServerSession<Socket>::start_exchange(const HeadersReceived& h) {
    const auto executor = socket_.get_executor();
    auto exchange = std::make_shared<H2Exchange>(*driver_, h.stream, executor, context_.options.stream_stall_timeout);
    ServerRequest& request = exchange->request;
    request.fields.reserve(h.fields.size());
    for (const auto& f : h.fields) {
        if (f.name == ":method") request.method = f.value;
        else if (f.name == ":scheme") request.scheme = f.value;
        else if (f.name == ":authority") request.authority = f.value;
        else if (f.name == ":path") request.path = f.value;
        else if (f.name == ":protocol") request.protocol = f.value;
        else if (!f.name.empty() && f.name[0] != ':') request.fields.emplace_back(f.name, f.value);
    }
    request.peer = peer_;
    if (h.end_stream) exchange->on_end_of_inbound();
    driver_->attach(exchange);
    auto& signal = exchange->cancel;
    asio::co_spawn(executor, run_exchange(this->shared_from_this(), exchange, context_),
                   asio::bind_cancellation_slot(signal.slot(), [executor, exchange](std::exception_ptr) mutable {
                       // The spawned thread still clears its slot after this handler: keep the
                       // signal (in the exchange) until everything on this stack is done.
                       asio::post(executor, [keep = std::move(exchange)] {});
                   }));
}

template class ServerSession<asio::ip::tcp::socket>;
template class ServerSession<TlsStream>;

}  // namespace h2::runtime
