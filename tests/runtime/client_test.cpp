// The client runtime against the server runtime over 127.0.0.1: HTTP/2 with prior knowledge,
// Upgrade: h2c, TLS with ALPN, bodies both ways, the pool, windows, errors.
#include <gtest/gtest.h>

#include <unistd.h>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_future.hpp>
#include <optional>
#include <string>

#include "client_support.hpp"
#include "running_server.hpp"
#include "socket_client.hpp"

namespace h2::test {
namespace {

namespace asio = boost::asio;
using runtime::ClientRequest;
using runtime::FieldVector;
using runtime::ResponseWriter;
using runtime::ServerRequest;
using namespace std::chrono_literals;

// Echoes the request body; x-path says which request it was; a trailer with the length.
asio::awaitable<void> echo(ServerRequest& req, ResponseWriter& res) {
    const std::string body = co_await req.body.read_all(64u << 20);
    FieldVector head{{"x-path", req.path}, {"x-method", req.method}};
    co_await res.write_head(200, std::move(head));
    co_await res.write(body);
    FieldVector trailers{{"x-length", std::to_string(body.size())}};
    co_await res.finish(std::move(trailers));
}

std::string url(const RunningServer& s, std::string_view path) {
    return "http://127.0.0.1:" + std::to_string(s.port()) + std::string(path);
}

runtime::ClientOptions prior_knowledge() {
    runtime::ClientOptions o;
    o.prior_knowledge = true;
    return o;
}

TEST(Client, GetsAResponseWithTrailersOverPriorKnowledge) {
    RunningServer server(echo);
    ClientThread t(prior_knowledge());
    const Fetched f = t.run([&] { return fetch(t.client(), {"POST", url(server, "/hello"), {}, "body!"}); });
    EXPECT_EQ(f.status, 200);
    EXPECT_EQ(f.protocol, "h2");
    EXPECT_EQ(f.body, "body!");
    EXPECT_EQ(field(f.trailers, "x-length"), "5");
    EXPECT_EQ(field(f.fields, "x-path"), "/hello");
}

TEST(Client, UpgradesACleartextConnectionAndMultiplexesTheNextRequestsOnIt) {
    RunningServer server(echo);
    ClientThread t;  // http:// without prior knowledge: Upgrade: h2c on the first request
    for (int i = 0; i < 5; ++i) {
        const Fetched f = t.run([&] { return fetch(t.client(), {"GET", url(server, "/n" + std::to_string(i))}); });
        EXPECT_EQ(f.status, 200);
        EXPECT_EQ(f.protocol, "h2");
        EXPECT_EQ(field(f.fields, "x-path"), "/n" + std::to_string(i));
    }
    EXPECT_EQ(t.client().stats().connections_opened, 1u);
}

TEST(Client, QueuesRequestsBeyondTheServersConcurrencyLimitOnOneConnection) {
    std::atomic<int> running{0}, most{0};
    auto options = loopback();
    options.engine.limits.max_concurrent_streams = 10;
    RunningServer server(
        [&](ServerRequest&, ResponseWriter& res) -> asio::awaitable<void> {
            const int now = ++running;
            for (int m = most.load(); now > m && !most.compare_exchange_weak(m, now);) {}
            co_await sleep_for(20ms);
            --running;
            co_await res.respond(200, {}, "ok");
        },
        options);
    ClientThread t(prior_knowledge());
    const int ok = t.run([&]() -> asio::awaitable<int> {
        auto ex = co_await asio::this_coro::executor;
        std::atomic<int> done{0}, good{0};
        asio::steady_timer all(ex, std::chrono::steady_clock::time_point::max());
        for (int i = 0; i < 100; ++i) {
            asio::co_spawn(ex, fetch(t.client(), {"GET", url(server, "/")}), [&](std::exception_ptr e, Fetched f) {
                if (!e && f.status == 200 && f.body == "ok") ++good;
                if (++done == 100) all.cancel();
            });
        }
        co_await all.async_wait(asio::as_tuple(asio::use_awaitable));
        co_return good.load();
    });
    EXPECT_EQ(ok, 100);
    EXPECT_LE(most.load(), 10);
    EXPECT_EQ(t.client().stats().connections_opened, 1u);
}

TEST(Client, SendsBodiesFromMemoryAFileAndAWriter) {
    RunningServer server(echo);
    ClientThread t(prior_knowledge());
    const std::string big = pattern(3 << 20);
    Fetched f = t.run([&] { return fetch(t.client(), {"PUT", url(server, "/memory"), {}, big}); });
    EXPECT_EQ(f.body.size(), big.size());
    EXPECT_TRUE(f.body == big);
    char path[] = "/tmp/libh2-client-body-XXXXXX";
    const int fd = ::mkstemp(path);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::write(fd, big.data(), 100000), 100000);
    ::close(fd);
    f = t.run([&] { return fetch(t.client(), {"POST", url(server, "/file"), {}, runtime::ClientBody::file(path)}); });
    ::unlink(path);
    EXPECT_EQ(f.body, big.substr(0, 100000));
    auto writer = runtime::ClientBody::writer([&](runtime::BodyWriter& w) -> asio::awaitable<void> {
        for (int i = 0; i < 40; ++i)
            co_await w.write(std::string_view(big).substr(static_cast<std::size_t>(i) * 50000, 50000));
    });
    f = t.run([&] { return fetch(t.client(), {"POST", url(server, "/writer"), {}, writer}); });
    EXPECT_TRUE(f.body == big.substr(0, 2000000));
    EXPECT_EQ(field(f.trailers, "x-length"), "2000000");
}

TEST(Client, ABodyTheApplicationDoesNotReadHoldsTheServerAtTheWindow) {
    std::atomic<int> written{0};
    const std::string piece = pattern(16384);
    RunningServer server([&](ServerRequest&, ResponseWriter& res) -> asio::awaitable<void> {
        co_await res.write_head(200);
        for (int i = 0; i < 64; ++i) {  // 1 MiB
            co_await res.write(piece);
            ++written;
        }
    });
    auto options = prior_knowledge();
    options.adaptive_window = false;
    ClientThread t(options);
    std::optional<runtime::ClientResponse> res;
    t.run([&]() -> asio::awaitable<int> {
        res = co_await t.client().request({"GET", url(server, "/")});
        co_return 0;
    });
    std::this_thread::sleep_for(400ms);
    // The stream window (65,535) and the server's 64 KiB stream buffer: no more.
    EXPECT_LE(written.load(), 9);
    const std::size_t total = t.run([&]() -> asio::awaitable<std::size_t> {
        const std::string body = co_await res->read_all(1u << 30);
        co_return body.size();
    });
    EXPECT_EQ(total, 64u * piece.size());
    EXPECT_EQ(written.load(), 64);
    t.run([&]() -> asio::awaitable<int> {  // dropped on the client's thread
        res.reset();
        co_return 0;
    });
}

TEST(Client, GrowsItsReceiveWindowWithTheMeasuredBandwidthDelayProduct) {
    const std::string piece = pattern(64 * 1024);
    RunningServer server([&](ServerRequest&, ResponseWriter& res) -> asio::awaitable<void> {
        co_await res.write_head(200);
        for (int i = 0; i < 256; ++i) co_await res.write(piece);  // 16 MiB
    });
    ClientThread t(prior_knowledge());
    const Fetched f = t.run([&] { return fetch(t.client(), {"GET", url(server, "/")}); });
    EXPECT_EQ(f.body.size(), 256u * piece.size());
    EXPECT_GT(t.client().stats().largest_window, 65535u);
    EXPECT_LE(t.client().stats().largest_window, 16u << 20);
}

TEST(Client, CancellingAResponseResetsTheStreamAndTheServerHandlerIsCancelled) {
    std::atomic<bool> cancelled{false};
    RunningServer server([&](ServerRequest&, ResponseWriter& res) -> asio::awaitable<void> {
        co_await res.write_head(200);
        try {
            for (;;) co_await res.write(std::string(16384, 'x'));
        } catch (const boost::system::system_error&) {
            cancelled = true;
        }
    });
    ClientThread t(prior_knowledge());
    t.run([&]() -> asio::awaitable<int> {
        auto res = co_await t.client().request({"GET", url(server, "/")});
        co_await res.read();
        res.cancel();
        co_return 0;
    });
    const auto until = std::chrono::steady_clock::now() + 5s;
    while (!cancelled && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(5ms);
    EXPECT_TRUE(cancelled.load());
}

template <class Error>
std::string failure_of(ClientThread& t, ClientRequest r) {
    try {
        t.run([&] { return fetch(t.client(), r); });
    } catch (const Error& e) {
        return e.what();
    } catch (const std::exception& e) {
        return std::string("wrong exception: ") + e.what();
    }
    return "no exception";
}

TEST(Client, FailuresHaveTheirOwnErrorTypes) {
    ClientThread t(prior_knowledge());
    const auto port = [] {
        RunningServer gone(echo);
        return gone.port();
    }();  // nothing listens there any more
    EXPECT_NE(failure_of<runtime::ConnectError>(t, {"GET", "http://127.0.0.1:" + std::to_string(port) + "/"})
                  .find("cannot connect"),
              std::string::npos);
    EXPECT_NE(failure_of<runtime::BadUrlError>(t, {"GET", "ftp://127.0.0.1/"}).find("scheme"), std::string::npos);
    EXPECT_NE(failure_of<runtime::BadUrlError>(t, {"GET", "http://127.0.0.1:99999/"}).find("port"), std::string::npos);
}

TEST(Client, RequestsMayComeFromAnotherExecutorAndThread) {
    RunningServer server(echo);
    ClientThread t(prior_knowledge());
    asio::thread_pool pool(2);
    std::vector<std::future<std::string>> results;
    for (int i = 0; i < 8; ++i) {
        results.push_back(asio::co_spawn(
            pool,
            [&, i]() -> asio::awaitable<std::string> {
                auto res =
                    co_await t.client().request({"PUT", url(server, "/p"), {}, "from the pool " + std::to_string(i)});
                co_return co_await res.read_all(1024);
            },
            asio::use_future));
    }
    for (int i = 0; i < 8; ++i)
        EXPECT_EQ(results[static_cast<std::size_t>(i)].get(), "from the pool " + std::to_string(i));
    pool.join();
    EXPECT_EQ(t.client().stats().connections_opened, 1u);
}

}  // namespace
}  // namespace h2::test
