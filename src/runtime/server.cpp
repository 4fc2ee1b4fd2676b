#include "h2/runtime/server.hpp"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>

#include <pthread.h>

#include <atomic>
#include <csignal>
#include <iostream>
#include <list>
#include <stdexcept>
#include <thread>

#include "h2/runtime/handler.hpp"
#include "server_session.hpp"

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
int select_alpn(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in, unsigned int inlen,
                void*) {
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
// prohibited suites can be negotiated), no renegotiation (§9.2.1). The server's order picks
// the suite: AES-128-GCM (as browsers and h2o; AES-256-GCM costs about 40 % more per octet),
// then AES-256-GCM, then ChaCha20-Poly1305, which wins when the client lists it first (a client
// without AES instructions does).
std::unique_ptr<asio::ssl::context> make_tls_context(const ServerOptions& o) {
    auto ctx = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
    SSL_CTX* native = ctx->native_handle();
    SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
    SSL_CTX_set_options(native, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_COMPRESSION |
                                    SSL_OP_PRIORITIZE_CHACHA);
    if (SSL_CTX_set_cipher_list(native, "ECDHE+AES128+AESGCM:ECDHE+AES256+AESGCM:ECDHE+CHACHA20") != 1 ||
        SSL_CTX_set_ciphersuites(native,
                                 "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256") != 1) {
        throw std::runtime_error("OpenSSL refused libh2's cipher suites");
    }
    boost::system::error_code ec;
    ctx->use_certificate_chain_file(o.cert_file, ec);
    if (ec) throw std::runtime_error("cannot load certificate " + o.cert_file + ": " + ec.message());
    ctx->use_private_key_file(o.key_file, asio::ssl::context::pem, ec);
    if (ec) throw std::runtime_error("cannot load private key " + o.key_file + ": " + ec.message());
    SSL_CTX_set_alpn_select_cb(native, select_alpn, nullptr);
    return ctx;
}

// SIGPIPE blocked on this thread while the server runs on it: sendfile(2) to a socket the peer
// closed raises it (sendmsg has MSG_NOSIGNAL; sendfile has no such flag), and its default
// action ends the process. Nothing process-wide changes: at the end a SIGPIPE left pending
// for the thread is consumed and the thread's mask restored.
class SigpipeBlocked {
public:
    SigpipeBlocked() noexcept {
        sigset_t pipe;
        sigemptyset(&pipe);
        sigaddset(&pipe, SIGPIPE);
        pthread_sigmask(SIG_BLOCK, &pipe, &old_);
    }
    ~SigpipeBlocked() {
        sigset_t pending;
        sigpending(&pending);
        if (sigismember(&pending, SIGPIPE) && !sigismember(&old_, SIGPIPE)) {
            sigset_t pipe;
            sigemptyset(&pipe);
            sigaddset(&pipe, SIGPIPE);
            const timespec now{0, 0};
            while (sigtimedwait(&pipe, nullptr, &now) == SIGPIPE) {}
        }
        pthread_sigmask(SIG_SETMASK, &old_, nullptr);
    }
    SigpipeBlocked(const SigpipeBlocked&) = delete;
    SigpipeBlocked& operator=(const SigpipeBlocked&) = delete;

private:
    sigset_t old_;
};

// The synchronous Handler as a coroutine handler: the body is read whole first (above
// max_request_body: 413), then the handler's Response is written.
AsyncHandler synchronous(Handler handler, std::size_t max_body) {
    return AsyncHandler(
        [handler = std::move(handler), max_body](ServerRequest& req, ResponseWriter& res) -> asio::awaitable<void> {
            Request r{req.method, req.scheme, req.authority, req.path, req.fields, {}};
            bool too_large = false;
            try {
                r.body = co_await req.body.read_all(max_body);
            } catch (const std::length_error&) {
                too_large = true;
            }
            if (too_large) {
                FieldVector fields{{"content-type", "text/plain"}};
                co_await res.respond(413, std::move(fields), "413 Content Too Large\n");
                co_return;
            }
            Response resp = handler(r);
            if (resp.file) {
                co_await res.write_head(resp.status, std::move(resp.fields));
                co_await res.send_file(std::move(resp.file));
            } else if (resp.trailers.empty()) {
                co_await res.respond(resp.status, std::move(resp.fields), resp.body);
            } else {
                co_await res.write_head(resp.status, std::move(resp.fields));
                co_await res.write(resp.body);
                co_await res.finish(std::move(resp.trailers));
            }
        });
}

struct Server::Impl {
    ServerOptions options;
    AsyncHandler handler;
    std::atomic<int> live_sessions{0};
    Metrics metrics;
    std::unique_ptr<AccessLog> access_log;
    SessionContext context{options, handler, live_sessions, metrics, nullptr};
    std::vector<std::unique_ptr<Worker>> workers;
    std::unique_ptr<asio::ssl::context> tls;
    std::uint16_t port = 0;
    std::uint16_t tls_port = 0;

    std::atomic<bool> shutting_down{false};

    Impl(ServerOptions o, AsyncHandler h) : options(std::move(o)), handler(std::move(h)) {}

    asio::awaitable<void> accept(Worker& w, bool secure) {
        tcp::acceptor& acceptor = secure ? w.tls_acceptor : w.acceptor;
        for (;;) {
            auto [ec, socket] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
            if (ec == asio::error::operation_aborted) co_return;
            if (ec) {
                // EMFILE, ENFILE, ENOBUFS: no room for another connection. Those we have go on;
                // try again shortly instead of spinning on a listener that stays readable.
                ++metrics.accept_failures;
                asio::steady_timer pause(w.io, std::chrono::milliseconds(100));
                co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
                continue;
            }
            w.sessions.remove_if([](const std::weak_ptr<SessionBase>& s) { return s.expired(); });
            if (w.sessions.size() >= options.max_connections_per_worker) {
                ++metrics.connections_rejected;  // closed at once: the client learns it now
                boost::system::error_code ignored;
                socket.close(ignored);
                continue;
            }
            if (secure) {
                auto session = std::make_shared<ServerSession<TlsStream>>(TlsStream(std::move(socket), *tls), context);
                w.sessions.push_back(session);
                asio::co_spawn(w.io, session->run(), asio::detached);
            } else {
                auto session = std::make_shared<ServerSession<tcp::socket>>(std::move(socket), context);
                w.sessions.push_back(session);
                asio::co_spawn(w.io, session->run(), asio::detached);
            }
        }
    }

    bool idle() const { return live_sessions.load() == 0; }

    asio::awaitable<void> drain(std::chrono::milliseconds timeout) {
        const auto end = std::chrono::steady_clock::now() + timeout;
        asio::steady_timer timer(co_await asio::this_coro::executor);
        while (std::chrono::steady_clock::now() < end && !idle()) {
            timer.expires_after(std::chrono::milliseconds(50));
            co_await timer.async_wait(asio::use_awaitable);
        }
        for (auto& w : workers) w->io.stop();
    }

    // Closes the listeners, sends GOAWAY on every connection, and stops once they are done
    // or `timeout` passed. From any thread; once.
    void shutdown(std::chrono::milliseconds timeout) {
        if (shutting_down.exchange(true) || workers.empty()) return;
        stop_gracefully();
        asio::co_spawn(workers.front()->io, drain(timeout), asio::detached);
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

Server::Server(ServerOptions options, Handler handler) {
    const std::size_t limit = options.max_request_body;
    impl_ = std::make_unique<Impl>(std::move(options), synchronous(std::move(handler), limit));
}

Server::Server(ServerOptions options, AsyncHandler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}

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
        if (o.tls_port)
            impl_->tls_port = open_acceptor(w->tls_acceptor, address, i == 0 ? *o.tls_port : impl_->tls_port);
        impl_->workers.push_back(std::move(w));
    }
}

std::uint16_t Server::port() const noexcept { return impl_->port; }
std::uint16_t Server::tls_port() const noexcept { return impl_->tls_port; }

void Server::run() {
    if (impl_->workers.empty()) throw std::logic_error("Server::run() before listen()");
    auto& first = *impl_->workers.front();
    std::optional<asio::signal_set> signals;
    if (impl_->options.handle_signals) {
        signals.emplace(first.io, SIGINT, SIGTERM);
        signals->async_wait([this](const boost::system::error_code& ec, int) {
            if (!ec) impl_->shutdown(impl_->options.drain_timeout);
        });
    }
    for (auto& w : impl_->workers) {
        asio::co_spawn(w->io, impl_->accept(*w, false), asio::detached);
        if (impl_->tls) asio::co_spawn(w->io, impl_->accept(*w, true), asio::detached);
    }
    std::vector<std::thread> threads;
    for (std::size_t i = 1; i < impl_->workers.size(); ++i) {
        threads.emplace_back([&w = *impl_->workers[i]] {
            const SigpipeBlocked blocked;
            w.io.run();
        });
    }
    {
        const SigpipeBlocked blocked;
        first.io.run();
    }
    for (auto& t : threads) t.join();
}

void Server::shutdown(std::chrono::milliseconds timeout) {
    if (impl_->workers.empty()) return;
    asio::post(impl_->workers.front()->io, [this, timeout] { impl_->shutdown(timeout); });
}

void Server::stop() {
    for (auto& w : impl_->workers) w->io.stop();
}

}  // namespace h2::runtime
