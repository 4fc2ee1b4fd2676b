// Running client coroutines in tests: an io_context on a thread of the test's own, and a
// blocking call that waits for a coroutine's result (or rethrows its exception).
#pragma once

#include <boost/asio.hpp>

#include <chrono>
#include <future>
#include <optional>
#include <thread>

#include "h2/runtime/client.hpp"

namespace h2::test {

class ClientThread {
public:
    explicit ClientThread(runtime::ClientOptions options = {})
        : work_(boost::asio::make_work_guard(io_)), client_(std::in_place, io_.get_executor(), std::move(options)) {
        thread_ = std::thread([this] { io_.run(); });
    }
    ~ClientThread() {
        boost::asio::post(io_, [this] { client_.reset(); });
        work_.reset();
        thread_.join();
    }
    ClientThread(const ClientThread&) = delete;
    ClientThread& operator=(const ClientThread&) = delete;

    runtime::Client& client() { return *client_; }
    boost::asio::io_context& io() { return io_; }

    // Runs `f` (a coroutine returning T) on the client's thread and waits for its result.
    template <class F>
    auto run(F f, std::chrono::seconds limit = std::chrono::seconds(30)) {
        using T = typename decltype(f())::value_type;
        std::promise<T> p;
        auto result = p.get_future();
        boost::asio::co_spawn(io_, f(), [&p](std::exception_ptr e, T value) {
            if (e) {
                p.set_exception(e);
            } else {
                p.set_value(std::move(value));
            }
        });
        if (result.wait_for(limit) != std::future_status::ready) throw std::runtime_error("client coroutine hangs");
        return result.get();
    }

private:
    boost::asio::io_context io_;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
    std::optional<runtime::Client> client_;
    std::thread thread_;
};

// What a test usually wants of a response: status, protocol, body, trailers.
struct Fetched {
    int status = 0;
    std::string protocol;
    std::string body;
    runtime::FieldVector fields, trailers;
};

inline boost::asio::awaitable<Fetched> fetch(runtime::Client& client, runtime::ClientRequest request) {
    auto res = co_await client.request(std::move(request));
    Fetched f;
    f.status = res.status;
    f.protocol = res.protocol;
    f.fields = res.fields;
    f.body = co_await res.read_all(1u << 30);
    f.trailers = res.trailers();
    co_return f;
}

}  // namespace h2::test
