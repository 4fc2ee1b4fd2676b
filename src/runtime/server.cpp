#include "h2/runtime/server.hpp"

#include <boost/asio.hpp>

#include <atomic>
#include <iostream>
#include <list>
#include <thread>

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
    std::list<std::weak_ptr<Session>> sessions;
};

struct Server::Impl {
    ServerOptions options;
    Handler handler;
    std::atomic<int> live_sessions{0};
    SessionContext context{options, handler, live_sessions};
    std::vector<std::unique_ptr<Worker>> workers;
    std::uint16_t port = 0;

    Impl(ServerOptions o, Handler h) : options(std::move(o)), handler(std::move(h)) {}

    asio::awaitable<void> accept(Worker& w) {
        for (;;) {
            auto [ec, socket] = co_await w.acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
            if (ec == asio::error::operation_aborted) co_return;
            if (ec) continue;  // e.g. EMFILE: keep serving the others
            auto session = std::make_shared<Session>(std::move(socket), context);
            w.sessions.remove_if([](const std::weak_ptr<Session>& s) { return s.expired(); });
            w.sessions.push_back(session);
            asio::co_spawn(w.io, session->run(), asio::detached);
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
                for (auto& s : w.sessions) {
                    if (auto p = s.lock()) p->request_shutdown();
                }
            });
        }
    }
};

Server::Server(ServerOptions options, Handler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}

Server::~Server() = default;

void Server::listen() {
    try {
        listen_or_throw();
    } catch (const boost::system::system_error& e) {
        // A plain std::system_error, with a message fit for one line ("port in use").
        throw std::system_error(e.code().value(), std::generic_category(),
                                "cannot listen on " + impl_->options.host + ":" + std::to_string(impl_->options.port));
    }
}

void Server::listen_or_throw() {
    unsigned n = impl_->options.threads ? impl_->options.threads : std::max(1u, std::thread::hardware_concurrency());
    const tcp::endpoint endpoint(asio::ip::make_address(impl_->options.host), impl_->options.port);
    for (unsigned i = 0; i < n; ++i) {
        auto w = std::make_unique<Worker>();
        w->acceptor.open(endpoint.protocol());
        w->acceptor.set_option(tcp::acceptor::reuse_address(true));
        w->acceptor.set_option(reuse_port(true));
        // With port 0 the first worker picks the port and the others join it.
        w->acceptor.bind(i == 0 ? endpoint : tcp::endpoint(endpoint.address(), impl_->port));
        w->acceptor.listen(asio::socket_base::max_listen_connections);
        if (i == 0) impl_->port = w->acceptor.local_endpoint().port();
        impl_->workers.push_back(std::move(w));
    }
}

std::uint16_t Server::port() const noexcept { return impl_->port; }

void Server::run() {
    auto& first = *impl_->workers.front();
    asio::signal_set signals(first.io, SIGINT, SIGTERM);
    signals.async_wait([this, &first](const boost::system::error_code& ec, int) {
        if (ec) return;
        impl_->stop_gracefully();
        // Stop as soon as the last connection is done, or at the drain timeout.
        asio::co_spawn(first.io, impl_->drain(), asio::detached);
    });
    for (auto& w : impl_->workers) asio::co_spawn(w->io, impl_->accept(*w), asio::detached);
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
