#include "h2/runtime/server.hpp"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>

#include <atomic>
#include <csignal>
#include <iostream>
#include <list>
#include <thread>

#include "h2/runtime/handler.hpp"
#include "session.hpp"

namespace h2::runtime {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using reuse_port = asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;

// One worker: an io_context, its acceptor, and the sessions it runs (never shared across
// threads: a connection stays on the thread that accepted it).
struct Worker {
    asio::io_context io{1};
    tcp::acceptor acceptor{io};
    tcp::acceptor tls_acceptor{io};
    std::list<std::weak_ptr<SessionBase>> sessions;
};

// RFC 9113 §3.2 and §9.2: ALPN h2 first, then http/1.1; no ALPN at all means HTTP/1.1.
int select_alpn(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in,
                unsigned int inlen, void*) {
    for (const std::string_view want : {std::string_view("h2"), std::string_view("http/1.1")}) {
        for (unsigned int i = 0; i < inlen;) {
            const unsigned int len = in[i];
            if (i + 1 + len > inlen) break;
            if (std::string_view(reinterpret_cast<const char*>(in + i + 1), len) == want) {
                *out = in + i + 1;
                *outlen = static_cast<unsigned char>(len);
                return SSL_TLSEXT_ERR_OK;
            }
            i += 1 + len;
        }
    }
    return SSL_TLSEXT_ERR_NOACK;
}

// TLS 1.2 and up, forward-secret AEAD suites only (so none of RFC 9113 Appendix A's
// prohibited suites can be negotiated), no renegotiation (§9.2.1).
std::unique_ptr<asio::ssl::context> make_tls_context(const ServerOptions& o) {
    auto ctx = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
    SSL_CTX* native = ctx->native_handle();
    SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
    SSL_CTX_set_options(native, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_COMPRESSION);
    SSL_CTX_set_cipher_list(native, "ECDHE+AESGCM:ECDHE+CHACHA20");
    boost::system::error_code ec;
    ctx->use_certificate_chain_file(o.cert_file, ec);
    if (ec) throw std::runtime_error("cannot load certificate " + o.cert_file + ": " + ec.message());
    ctx->use_private_key_file(o.key_file, asio::ssl::context::pem, ec);
    if (ec) throw std::runtime_error("cannot load private key " + o.key_file + ": " + ec.message());
    SSL_CTX_set_alpn_select_cb(native, select_alpn, nullptr);
    return ctx;
}

struct Server::Impl {
    ServerOptions options;
    Handler handler;
    std::optional<AsyncHandler> async_handler;
    std::atomic<int> live_sessions{0};
    Metrics metrics;
    std::unique_ptr<AccessLog> access_log;
    SessionContext context{options, handler, async_handler ? &*async_handler : nullptr, live_sessions, metrics, nullptr};
    std::vector<std::unique_ptr<Worker>> workers;
    std::unique_ptr<asio::ssl::context> tls;
    std::uint16_t port = 0;
    std::uint16_t tls_port = 0;

    Impl(ServerOptions o, Handler h, std::optional<AsyncHandler> a)
        : options(std::move(o)), handler(std::move(h)), async_handler(std::move(a)) {}

    asio::awaitable<void> accept(Worker& w, bool secure) {
        tcp::acceptor& acceptor = secure ? w.tls_acceptor : w.acceptor;
        for (;;) {
            auto [ec, socket] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
            if (ec == asio::error::operation_aborted) co_return;
            if (ec) continue;  // e.g. EMFILE: keep serving the others
            w.sessions.remove_if([](const std::weak_ptr<SessionBase>& s) { return s.expired(); });
            if (secure) {
                auto session = std::make_shared<Session<TlsStream>>(TlsStream(std::move(socket), *tls), context);
                w.sessions.push_back(session);
                asio::co_spawn(w.io, session->run(), asio::detached);
            } else {
                auto session = std::make_shared<Session<tcp::socket>>(std::move(socket), context);
                w.sessions.push_back(session);
                asio::co_spawn(w.io, session->run(), asio::detached);
            }
        }
    }

    bool idle() const { return live_sessions.load() == 0; }

    asio::awaitable<void> drain() {
        const auto end = std::chrono::steady_clock::now() + options.drain_timeout;
        asio::steady_timer timer(co_await asio::this_coro::executor);
        while (std::chrono::steady_clock::now() < end && !idle()) {
            timer.expires_after(std::chrono::milliseconds(50));
            co_await timer.async_wait(asio::use_awaitable);
        }
        for (auto& w : workers) w->io.stop();
    }

    void stop_gracefully() {
        for (auto& w : workers) {
            asio::post(w->io, [&w = *w] {
                boost::system::error_code ignored;
                w.acceptor.close(ignored);
                w.tls_acceptor.close(ignored);
                for (auto& s : w.sessions) {
                    if (auto p = s.lock()) p->request_shutdown();
                }
            });
        }
    }
};

Server::Server(ServerOptions options, Handler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler), std::nullopt)) {}

Server::Server(ServerOptions options, AsyncHandler handler)
    : impl_(std::make_unique<Impl>(std::move(options), Handler{}, std::move(handler))) {}

Server::~Server() = default;

void Server::listen() {
    try {
        listen_or_throw();
    } catch (const boost::system::system_error& e) {
        // A plain std::system_error, with a message fit for one line ("port in use").
        throw std::system_error(e.code().value(), std::generic_category(), "cannot listen on " + impl_->options.host);
    }
}

namespace {
// With port 0 the first worker picks the port and the others join it (SO_REUSEPORT).
std::uint16_t open_acceptor(tcp::acceptor& a, const asio::ip::address& address, std::uint16_t port) {
    const tcp::endpoint endpoint(address, port);
    a.open(endpoint.protocol());
    a.set_option(tcp::acceptor::reuse_address(true));
    a.set_option(reuse_port(true));
    a.bind(endpoint);
    a.listen(asio::socket_base::max_listen_connections);
    return a.local_endpoint().port();
}
}  // namespace

void Server::listen_or_throw() {
    auto& o = impl_->options;
    if (o.tls_port) impl_->tls = make_tls_context(o);
    if (!o.access_log.empty()) {
        impl_->access_log = std::make_unique<AccessLog>(o.access_log);
        impl_->context.access_log = impl_->access_log.get();
    }
    const unsigned n = o.threads ? o.threads : std::max(1u, std::thread::hardware_concurrency());
    const auto address = asio::ip::make_address(o.host);
    for (unsigned i = 0; i < n; ++i) {
        auto w = std::make_unique<Worker>();
        impl_->port = open_acceptor(w->acceptor, address, i == 0 ? o.port : impl_->port);
        if (o.tls_port) impl_->tls_port = open_acceptor(w->tls_acceptor, address, i == 0 ? *o.tls_port : impl_->tls_port);
        impl_->workers.push_back(std::move(w));
    }
}

std::uint16_t Server::port() const noexcept { return impl_->port; }
std::uint16_t Server::tls_port() const noexcept { return impl_->tls_port; }

void Server::run() {
    // sendfile(2) to a socket the peer has closed raises SIGPIPE, whose default action ends
    // the process; the error comes back as EPIPE instead (Asio's own sends use MSG_NOSIGNAL).
    std::signal(SIGPIPE, SIG_IGN);
    auto& first = *impl_->workers.front();
    asio::signal_set signals(first.io, SIGINT, SIGTERM);
    signals.async_wait([this, &first](const boost::system::error_code& ec, int) {
        if (ec) return;
        impl_->stop_gracefully();
        // Stop as soon as the last connection is done, or at the drain timeout.
        asio::co_spawn(first.io, impl_->drain(), asio::detached);
    });
    for (auto& w : impl_->workers) {
        asio::co_spawn(w->io, impl_->accept(*w, false), asio::detached);
        if (impl_->tls) asio::co_spawn(w->io, impl_->accept(*w, true), asio::detached);
    }
    std::vector<std::thread> threads;
    for (std::size_t i = 1; i < impl_->workers.size(); ++i) {
        threads.emplace_back([&w = *impl_->workers[i]] { w.io.run(); });
    }
    first.io.run();
    for (auto& t : threads) t.join();
}

void Server::stop() {
    for (auto& w : impl_->workers) w->io.stop();
}

}  // namespace h2::runtime
