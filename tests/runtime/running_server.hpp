// A runtime::Server on 127.0.0.1 running on a thread of its own, for runtime tests; and small
// helpers the tests share.
#pragma once

#include <boost/asio.hpp>

#include <chrono>
#include <string>
#include <thread>

#include "h2/runtime/handler.hpp"
#include "h2/runtime/server.hpp"

namespace h2::test {

inline runtime::ServerOptions loopback(unsigned threads = 1) {
    runtime::ServerOptions o;
    o.host = "127.0.0.1";
    o.port = 0;
    o.threads = threads;
    o.log_level = runtime::LogLevel::error;
    return o;
}

class RunningServer {
public:
    template <class Handler>
    explicit RunningServer(Handler handler, runtime::ServerOptions options = loopback())
        : server_(std::move(options), std::move(handler)) {
        server_.listen();
        thread_ = std::thread([this] { server_.run(); });
    }
    ~RunningServer() {
        server_.stop();
        thread_.join();
    }
    RunningServer(const RunningServer&) = delete;
    RunningServer& operator=(const RunningServer&) = delete;
    std::uint16_t port() const { return server_.port(); }
    runtime::Server& server() { return server_; }

private:
    runtime::Server server_;
    std::thread thread_;
};

inline boost::asio::awaitable<void> sleep_for(std::chrono::milliseconds d) {
    boost::asio::steady_timer t(co_await boost::asio::this_coro::executor);
    t.expires_after(d);
    co_await t.async_wait(boost::asio::use_awaitable);
}

// `n` octets of a pattern that does not repeat at a short period (a shifted or lost piece shows).
inline std::string pattern(std::size_t n) {
    std::string s(n, '\0');
    for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + (i * 7 + i / 251) % 26);
    return s;
}

}  // namespace h2::test
