// The client: a pool of connections per origin, retries of requests the server did not
// process, and ClientResponse.
#include "h2/runtime/client.hpp"

#include <algorithm>
#include <map>

#include "client_connect.hpp"
#include "client_connection.hpp"
#include "client_h1.hpp"
#include "client_h2.hpp"
#include "hop.hpp"

namespace h2::runtime {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

// Connection-specific fields have no place in HTTP/2 (RFC 9113 §8.2.2), and the client sets
// Host and the framing fields itself.
bool ours(std::string_view n) {
    return n == "connection" || n == "keep-alive" || n == "proxy-connection" || n == "transfer-encoding" ||
           n == "upgrade" || n == "host" || n == "content-length" || n == "http2-settings";
}

FieldVector request_fields(const FieldVector& given) {
    FieldVector out;
    for (auto [n, v] : given) {
        for (char& c : n) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        if (ours(n) || (n == "te" && v != "trailers")) continue;
        out.emplace_back(std::move(n), std::move(v));
    }
    return out;
}

}  // namespace

struct Client::Impl : std::enable_shared_from_this<Impl> {
    struct Origin {
        std::vector<std::shared_ptr<ClientConnection>> connections;
        int connecting = 0;
        enum class Cleartext : std::uint8_t { unknown, h2c, http1 } cleartext = Cleartext::unknown;
        std::shared_ptr<asio::steady_timer> changed;  // cancelled when a connection frees or closes
        // ENHANCE_YOUR_CALM: requests to this origin wait until then (doubling, up to 30 s).
        std::chrono::steady_clock::time_point calm_until{};
        std::chrono::milliseconds calm_delay{0};
    };

    // The server said ENHANCE_YOUR_CALM (`told`): back off before the next request; a request
    // that went through halves the delay.
    void calm(const std::string& origin, bool told) {
        Origin& o = origins[origin];
        if (told) {
            o.calm_delay =
                std::clamp(2 * o.calm_delay, std::chrono::milliseconds(1000), std::chrono::milliseconds(30000));
            o.calm_until = std::chrono::steady_clock::now() + o.calm_delay;
        } else if (o.calm_delay.count() > 0) {
            o.calm_delay /= 2;
        }
    }

    std::shared_ptr<ClientShared> shared;
    std::map<std::string, Origin> origins;
    std::string last_url_text, last_authority, last_origin;
    Url last_url;
    bool shut = false;

    static asio::awaitable<ClientResponse> request(std::shared_ptr<Impl> self, ClientRequest request);
    asio::awaitable<std::shared_ptr<ClientConnection>> acquire(const PreparedRequest& r,
                                                               std::optional<ClientResponse>& early);
    asio::awaitable<std::shared_ptr<ClientConnection>> open(Origin& o, const PreparedRequest& r,
                                                            std::optional<ClientResponse>& early);
    template <class Socket>
    std::shared_ptr<ClientConnection> start_h2(Socket socket, Connection engine, std::vector<std::uint8_t> first);
    void watch(Origin& o, const std::shared_ptr<ClientConnection>& c);
};

asio::awaitable<ClientResponse> Client::Impl::request(std::shared_ptr<Impl> self, ClientRequest req) {
    if (self->shut) throw CancelledError("the client was shut down");
    PreparedRequest r;
    r.method = std::move(req.method);
    r.protocol = std::move(req.protocol);
    r.http2_only = req.http2_only || !r.protocol.empty();
    if (!r.protocol.empty() && r.method != "CONNECT") throw BadUrlError(":protocol needs the CONNECT method");
    // A client that asks for the same URL again (a load generator) parses it once.
    if (req.url != self->last_url_text) {
        self->last_url = Url::parse(req.url);
        self->last_url_text = req.url;
        self->last_authority = self->last_url.authority();
        self->last_origin = self->last_url.scheme + "://" + self->last_authority;
    }
    r.origin = self->last_origin;
    r.url = self->last_url;
    r.authority = self->last_authority;
    r.fields = request_fields(req.fields);
    r.body = std::make_shared<const ClientBody>(std::move(req.body));
    const auto timeout = self->shared->options.request_timeout;
    if (timeout.count() > 0) r.deadline = std::chrono::steady_clock::now() + timeout;
    ++self->shared->stats.requests;
    for (int attempt = 0;; ++attempt) {
        std::exception_ptr not_processed;
        try {
            std::optional<ClientResponse> early;
            auto conn = co_await self->acquire(r, early);
            if (early) co_return std::move(*early);
            auto res = co_await conn->exchange(r);
            self->calm(r.origin, false);
            co_return res;
        } catch (const NotProcessed& np) {
            not_processed = np.error;
        } catch (const StreamResetError& e) {
            if (e.code == ErrorCode::enhance_your_calm) self->calm(r.origin, true);
            throw;
        } catch (const ProtocolFailure& e) {
            if (e.code == ErrorCode::enhance_your_calm && e.sent_by_server) self->calm(r.origin, true);
            throw;
        }
        // RFC 9113 §8.7: the server did not process it; once more elsewhere, if it can be sent again.
        if (attempt >= 1 || !r.body->replayable()) std::rethrow_exception(not_processed);
        ++self->shared->stats.retries;
    }
}

void Client::Impl::watch(Origin& o, const std::shared_ptr<ClientConnection>& c) {
    c->on_change([signal = o.changed] { signal->cancel(); });
}

asio::awaitable<std::shared_ptr<ClientConnection>> Client::Impl::acquire(const PreparedRequest& r,
                                                                         std::optional<ClientResponse>& early) {
    Origin& o = origins[r.origin];
    // Never re-armed (that would cancel the other waiters): it waits until cancelled.
    if (!o.changed)
        o.changed =
            std::make_shared<asio::steady_timer>(shared->executor, std::chrono::steady_clock::time_point::max());
    const std::size_t limit = std::max<std::size_t>(1, shared->options.max_connections_per_origin);
    if (std::chrono::steady_clock::now() < o.calm_until) {  // never retried: backed off instead
        asio::steady_timer calm(shared->executor, o.calm_until);
        co_await calm.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    for (;;) {
        if (shut) throw CancelledError("the client was shut down");
        std::erase_if(o.connections, [](const auto& c) { return c->closed(); });
        // An HTTP/2 connection takes every request: beyond the server's concurrency limit the
        // engine queues them. Another one is opened when it goes away or runs out of ids.
        for (const auto& c : o.connections) {
            if (c->available() && (c->http2() || !c->saturated())) co_return c;
        }
        // Another connection, unless one is being opened (it may be HTTP/2 and take us all).
        if (o.connecting == 0 && o.connections.size() < limit) {
            ++o.connecting;
            std::exception_ptr failed;
            std::shared_ptr<ClientConnection> c;
            try {
                c = co_await open(o, r, early);
            } catch (...) {
                failed = std::current_exception();
            }
            --o.connecting;
            o.changed->cancel();
            if (failed) std::rethrow_exception(failed);
            watch(o, c);
            o.connections.push_back(c);
            co_return c;
        }
        co_await o.changed->async_wait(asio::as_tuple(asio::use_awaitable));
    }
}

template <class Socket>
std::shared_ptr<ClientConnection> Client::Impl::start_h2(Socket socket, Connection engine,
                                                         std::vector<std::uint8_t> first) {
    const auto deadline = std::chrono::steady_clock::now() + shared->options.handshake_timeout;
    auto c = std::make_shared<H2ClientConnection<Socket>>(std::move(socket), shared, std::move(engine), deadline);
    asio::co_spawn(shared->executor, c->run(std::move(first)), asio::detached);
    return c;
}

asio::awaitable<std::shared_ptr<ClientConnection>> Client::Impl::open(Origin& o, const PreparedRequest& r,
                                                                      std::optional<ClientResponse>& early) {
    const ClientOptions& opt = shared->options;
    tcp::socket socket = co_await connect_tcp(shared->executor, r.url, opt.connect_timeout);
    ++shared->stats.connections_opened;
    if (r.url.tls()) {
        // Made at the first https:// request: loading the system trust store costs milliseconds.
        if (!shared->tls) shared->tls = make_client_tls_context(opt);
        TlsStream tls(std::move(socket), *shared->tls);
        const std::string alpn = co_await tls_handshake(tls, r.url, opt.verify_peer, opt.handshake_timeout);
        if (alpn == "h2") co_return start_h2(std::move(tls), Connection::client(opt.engine), {});
        co_return std::make_shared<H1ClientConnection<TlsStream>>(std::move(tls), shared);
    }
    if (opt.prior_knowledge || o.cleartext == Origin::Cleartext::h2c) {
        co_return start_h2(std::move(socket), Connection::client(opt.engine), {});
    }
    auto h1 = std::make_shared<H1ClientConnection<tcp::socket>>(std::move(socket), shared);
    // Upgrade: h2c rides on a body-less request (a body would have to be sent twice), and not
    // on an extended CONNECT (HTTP/2 only: the HTTP/1.1 connection refuses it).
    if (o.cleartext == Origin::Cleartext::http1 || !r.body->empty() || r.http2_only) co_return h1;
    Connection engine = Connection::client_upgrade(opt.engine);
    std::optional<H1ClientConnection<tcp::socket>::Upgrade> tried;
    try {
        tried = co_await h1->exchange_with_upgrade(r, encode_base64url(engine.settings_payload()));
    } catch (const ServerSpeaksHttp2&) {}
    if (!tried) {  // nothing was processed: the same request again, with prior knowledge
        o.cleartext = Origin::Cleartext::h2c;
        tcp::socket again = co_await connect_tcp(shared->executor, r.url, opt.connect_timeout);
        ++shared->stats.connections_opened;
        co_return start_h2(std::move(again), Connection::client(opt.engine), {});
    }
    auto& up = *tried;
    if (!up.switched) {
        o.cleartext = Origin::Cleartext::http1;
        early = std::move(*up.response);
        co_return h1;
    }
    o.cleartext = Origin::Cleartext::h2c;
    auto c = std::make_shared<H2ClientConnection<tcp::socket>>(
        h1->take_socket(), shared, std::move(engine), std::chrono::steady_clock::now() + opt.handshake_timeout);
    asio::co_spawn(shared->executor, c->run(std::move(up.leftover)), asio::detached);
    early = co_await c->upgraded_response(r);
    co_return c;
}

Client::Client(asio::any_io_executor executor, ClientOptions options) : impl_(std::make_shared<Impl>()) {
    auto shared = std::make_shared<ClientShared>();
    shared->executor = std::move(executor);
    if (!options.ca_file.empty()) shared->tls = make_client_tls_context(options);  // a bad file fails here
    shared->options = std::move(options);
    impl_->shared = std::move(shared);
}

Client::~Client() {
    try {
        asio::post(impl_->shared->executor, [impl = impl_] {
            impl->shut = true;
            for (auto& [key, o] : impl->origins) {
                for (const auto& c : o.connections) c->shutdown();
                if (o.changed) o.changed->cancel();
            }
        });
    } catch (...) {  // the executor is gone: so are the connections
    }
}

asio::awaitable<ClientResponse> Client::request(ClientRequest request) {
    return on_executor(impl_->shared->executor, Impl::request(impl_, std::move(request)));
}

void Client::shutdown() {
    impl_->shut = true;
    for (auto& [key, o] : impl_->origins) {
        for (const auto& c : o.connections) c->shutdown();
        if (o.changed) o.changed->cancel();
    }
}

Client::Stats Client::stats() const noexcept { return impl_->shared->stats; }
const asio::any_io_executor& Client::executor() const noexcept { return impl_->shared->executor; }
const ClientOptions& Client::options() const noexcept { return impl_->shared->options; }

// ---------------------------------------------------------------------------------------

ClientResponse::~ClientResponse() = default;

std::string_view ClientResponse::field(std::string_view name) const noexcept {
    for (const auto& [n, v] : fields) {
        if (n == name) return v;
    }
    return {};
}

asio::awaitable<std::span<const std::uint8_t>> ClientResponse::read() {
    if (!source_) co_return std::span<const std::uint8_t>{};
    co_return co_await source_->read();
}

asio::awaitable<std::string> ClientResponse::read_all(std::size_t limit) {
    std::string all;
    for (auto piece = co_await read(); !piece.empty(); piece = co_await read()) {
        if (piece.size() > limit - all.size()) {
            cancel();
            throw std::length_error("response body over the limit");
        }
        all.append(reinterpret_cast<const char*>(piece.data()), piece.size());
    }
    co_return all;
}

const FieldVector& ClientResponse::trailers() const noexcept {
    static const FieldVector none;
    return source_ ? source_->trailers() : none;
}

void ClientResponse::cancel() noexcept {
    if (source_) source_->cancel();
}

}  // namespace h2::runtime
