#include "client_h2.hpp"

#include <algorithm>

#include "client_body.hpp"
#include "fields_internal.hpp"

namespace h2::runtime {

namespace asio = boost::asio;

namespace {

DriverOptions driver_options(const ClientOptions& o, Clock::time_point handshake_deadline) {
    DriverOptions d;
    d.handshake_deadline = handshake_deadline;
    d.idle_timeout = o.idle_timeout;
    d.write_timeout = std::chrono::duration_cast<std::chrono::seconds>(o.read_timeout);
    d.stream_stall_timeout = std::chrono::duration_cast<std::chrono::seconds>(o.read_timeout);
    d.keepalive_interval = o.keepalive_interval;
    d.keepalive_timeout = o.keepalive_timeout;
    d.trace = o.trace;
    return d;
}

std::chrono::seconds stall_of(const ClientOptions& o) {
    return std::max(std::chrono::seconds(1), std::chrono::duration_cast<std::chrono::seconds>(o.read_timeout));
}

}  // namespace

template <class Socket>
H2ClientConnection<Socket>::H2ClientConnection(Socket socket, std::shared_ptr<const ClientShared> shared,
                                               Connection conn, Clock::time_point handshake_deadline)
    : socket_(std::move(socket)),
      shared_(std::move(shared)),
      settings_seen_(shared_->executor, Clock::time_point::max()),
      window_(shared_->options.engine.settings.initial_window_size) {
    const bool upgrade = conn.stream_state(1) == stream::State::half_closed_local;
    driver_.emplace(socket_, std::move(conn), *this, driver_options(shared_->options, handshake_deadline));
    if (upgrade) {
        upgraded_ = make_stream(1);
        driver_->attach(upgraded_);
    }
}

template <class Socket>
std::shared_ptr<ClientStream> H2ClientConnection<Socket>::make_stream(StreamId id) {
    return std::make_shared<ClientStream>(*driver_, id, shared_->executor, stall_of(shared_->options), fate_);
}

template <class Socket>
asio::awaitable<void> H2ClientConnection<Socket>::run(std::vector<std::uint8_t> first) {
    auto self = this->shared_from_this();
    try {
        co_await driver_->run(first);
    } catch (const std::exception& e) {
        fate_->io_error = e.what();
    }
    if (fate_->io_error.empty()) fate_->io_error = driver_->failure();
    closed_ = going_away_ = true;
    settings_seen_.cancel();
    changed();
    for (const auto& op : opens_) {
        op->error = SubmitError::connection_closed;
        op->done = true;
        op->signal.cancel();
    }
    opens_.clear();
}

template <class Socket>
bool H2ClientConnection<Socket>::saturated() const noexcept {
    const Connection& c = driver_->connection();
    return c.open_streams() >= c.peer_settings().max_concurrent_streams;
}

template <class Socket>
void H2ClientConnection<Socket>::shutdown() noexcept {
    if (!closed_) driver_->request_shutdown();
    going_away_ = true;
}

template <class Socket>
asio::awaitable<ClientResponse> H2ClientConnection<Socket>::exchange(const PreparedRequest& r) {
    if (!available()) throw NotProcessed{unusable()};
    // (The server's SETTINGS comes within the handshake deadline, or the connection closes.)
    while (!r.protocol.empty() && !closed_ && !driver_->connection().peer_settings_seen()) {
        co_await settings_seen_.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    if (!available()) throw NotProcessed{unusable()};
    if (!r.protocol.empty() && !driver_->connection().peer_settings().enable_connect_protocol) {
        throw UnsupportedError("the server did not send SETTINGS_ENABLE_CONNECT_PROTOCOL (RFC 8441)");
    }
    RequestPayload payload = open_payload(*r.body);  // a file is opened before anything is sent
    auto op = std::make_shared<Open>(shared_->executor);
    // Views into `r` and this frame, which outlive the command.
    op->fields.reserve(6 + r.fields.size());
    op->fields.push_back({":method", r.method});
    if (!r.protocol.empty()) op->fields.push_back({":protocol", r.protocol});
    op->fields.push_back({":scheme", r.url.scheme});
    op->fields.push_back({":authority", r.authority});
    op->fields.push_back({":path", r.url.target});
    for (const auto& [n, v] : r.fields) op->fields.push_back({n, v});
    const std::string length = payload.length ? std::to_string(*payload.length) : std::string();
    if (payload.length && !r.body->empty()) op->fields.push_back({"content-length", length});
    op->end_stream = r.body->empty();
    opens_.push_back(op);
    driver_->wake();
    while (!op->done) {
        op->signal.expires_at(Clock::time_point::max());
        co_await op->signal.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    if (op->error != SubmitError::none) throw NotProcessed{unusable()};
    if (!op->end_stream) {
        asio::co_spawn(shared_->executor, upload(op->stream, r.body, std::move(payload)), asio::detached);
    }
    co_return co_await respond(op->stream, r);
}

// Why a request could not start here (it was never sent: another connection may take it).
template <class Socket>
std::exception_ptr H2ClientConnection<Socket>::unusable() const {
    if (fate_->failed) return fate_->failure();
    if (fate_->goaway_received) {
        return std::make_exception_ptr(GoawayError(fate_->goaway_code, "the server is going away (GOAWAY)"));
    }
    if (closed_) {
        return std::make_exception_ptr(
            ProtocolFailure(ErrorCode::no_error,
                            "the connection closed" + (fate_->io_error.empty() ? "" : ": " + fate_->io_error), true));
    }
    return std::make_exception_ptr(GoawayError(ErrorCode::no_error, "the connection is going away"));
}

template <class Socket>
asio::awaitable<ClientResponse> H2ClientConnection<Socket>::upgraded_response(const PreparedRequest& r) {
    co_return co_await respond(upgraded_, r);
}

template <class Socket>
asio::awaitable<ClientResponse> H2ClientConnection<Socket>::respond(std::shared_ptr<ClientStream> stream,
                                                                    const PreparedRequest& r) {
    std::shared_ptr<asio::steady_timer> deadline;
    if (r.deadline != Clock::time_point::max()) {
        deadline = std::make_shared<asio::steady_timer>(shared_->executor, r.deadline);
        deadline->async_wait([weak = std::weak_ptr<ClientStream>(stream)](const boost::system::error_code& ec) {
            if (auto s = weak.lock(); s && !ec) s->expire();
        });
    }
    co_await stream->wait_head();
    if (r.http2_only && stream->status >= 200 && stream->status < 300) stream->set_tunnel();
    ClientResponse res(std::make_shared<H2Response>(stream, std::move(deadline)));
    res.status = stream->status;
    res.fields = std::move(stream->fields);
    res.informational = std::move(stream->informational);
    res.protocol = "h2";
    co_return res;
}

// ---------------------------------------------------------------------------------------
// The policy (called by the driver, on its turn)

template <class Socket>
void H2ClientConnection<Socket>::apply_commands() {
    if (opens_.empty()) return;
    std::vector<std::shared_ptr<Open>> opens;
    opens.swap(opens_);
    Connection& conn = driver_->connection();
    for (const auto& op : opens) {
        const auto r = conn.submit_request(op->fields, op->end_stream);
        if (r) {
            op->stream = make_stream(r.value);
            driver_->attach(op->stream);
            grow_stream(r.value);
        } else {
            op->error = r.error;
            if (r.error == SubmitError::going_away || r.error == SubmitError::stream_ids_exhausted) going_away_ = true;
        }
        op->done = true;
        op->signal.cancel();
    }
}

template <class Socket>
void H2ClientConnection<Socket>::on_headers(const HeadersReceived& h) {
    if (h.kind != HeadersKind::response && h.kind != HeadersKind::informational) return;
    if (auto* s = static_cast<ClientStream*>(driver_->find_handle(h.stream))) s->on_response_head(h);
    grow_stream(h.stream);  // a request that waited behind the server's limit opened now
}

template <class Socket>
void H2ClientConnection<Socket>::on_event(const Event& e) {
    if (std::holds_alternative<SettingsReceived>(e)) {
        settings_seen_.cancel();
    } else if (const auto* g = std::get_if<GoawayReceived>(&e)) {
        going_away_ = true;
        fate_->goaway_received = true;
        fate_->goaway_code = g->code;
    } else if (const auto* p = std::get_if<PingAcknowledged>(&e)) {
        if (p->opaque_data[0] == 'b' && p->opaque_data[1] == 'd' && p->opaque_data[2] == 'p' && bdp_ping_out_) {
            bdp_ping_out_ = false;
            on_bdp_sample(bdp_octets_);
            bdp_octets_ = 0;
        }
    }
}

template <class Socket>
void H2ClientConnection<Socket>::on_connection_error(const ConnectionError& x) {
    going_away_ = true;
    fate_->failed = true;
    fate_->code = x.code;
    fate_->reason = std::string(x.reason);
    fate_->by_server = x.initiator == Initiator::remote;
}

// grpc-go's and hyper's estimator: a PING goes out with DATA after the last one was answered;
// the octets that arrive until its ACK are a sample of the bandwidth-delay product. Servers
// count PINGs against abuse limits (Tomcat's overhead counter: ten on an idle connection), so
// PINGs are rationed: only while DATA flows, and after a sample that did not grow the window
// only once twice as much data came as before the last one (a handful per download).
template <class Socket>
void H2ClientConnection<Socket>::on_data(StreamId, std::size_t n) {
    const ClientOptions& o = shared_->options;
    if (!o.adaptive_window || window_ >= o.max_window) return;
    bdp_octets_ += n;
    if (bdp_ping_out_) return;
    quiet_octets_ += n;
    if (quiet_octets_ < bdp_backoff_) return;
    quiet_octets_ = 0;
    bdp_ping_out_ = true;
    bdp_octets_ = n;
    const std::uint32_t k = ++bdp_pings_;
    driver_->connection().submit_ping({'b', 'd', 'p', 0, static_cast<std::uint8_t>(k >> 24),
                                       static_cast<std::uint8_t>(k >> 16), static_cast<std::uint8_t>(k >> 8),
                                       static_cast<std::uint8_t>(k)});
}

// A sample above two thirds of the window: the window was what limited it; double it.
template <class Socket>
void H2ClientConnection<Socket>::on_bdp_sample(std::uint64_t octets) {
    const ClientOptions& o = shared_->options;
    if (octets * 3 < std::uint64_t{window_} * 2) {
        bdp_backoff_ = std::max<std::uint64_t>(2 * bdp_backoff_, window_);
        return;
    }
    bdp_backoff_ = 0;
    window_ = static_cast<std::uint32_t>(std::min<std::uint64_t>(o.max_window, octets * 2));
    shared_->stats.largest_window = std::max(shared_->stats.largest_window, window_);
    Connection& conn = driver_->connection();
    const std::uint64_t connection_target = std::min<std::uint64_t>(
        frame::max_window_size, std::max<std::uint64_t>(o.engine.connection_window, 2ull * window_));
    if (connection_target > conn.connection_receive_window_size()) {
        conn.grow_connection_window(
            static_cast<std::uint32_t>(connection_target - conn.connection_receive_window_size()));
    }
    driver_->for_each_handle([&](StreamHandle& h) { grow_stream(h.id()); });
}

template <class Socket>
void H2ClientConnection<Socket>::grow_stream(StreamId id) {
    Connection& conn = driver_->connection();
    const std::uint32_t size = conn.stream_receive_window_size(id);
    if (size != 0 && size < window_) conn.grow_stream_window(id, window_ - size);
}

template class H2ClientConnection<asio::ip::tcp::socket>;
template class H2ClientConnection<TlsStream>;

}  // namespace h2::runtime
