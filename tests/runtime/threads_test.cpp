// Several worker threads, handlers whose work runs on a thread pool, and clients on threads of
// their own: what the tsan preset runs to find data races in the runtime.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/thread_pool.hpp>
#include <string>
#include <thread>
#include <vector>

#include "running_server.hpp"
#include "socket_client.hpp"

namespace h2::test {
namespace {

namespace asio = boost::asio;
using runtime::FieldVector;
using runtime::ResponseWriter;
using runtime::ServerRequest;
using namespace std::chrono_literals;

TEST(Threads, WorkersAndAHandlerPoolServeConcurrentClientsIntact) {
    asio::thread_pool pool(3);
    const std::string piece = pattern(8 * 1024);
    std::atomic<int> handled{0};
    RunningServer server(
        [&](ServerRequest& req, ResponseWriter& res) -> asio::awaitable<void> {
            const std::string body = co_await req.body.read_all(1 << 20);
            const int pieces = req.path == "/big" ? 16 : 1;
            // Half of the responses are written from the pool, half from the connection.
            if (body.size() % 2 == 0) {
                co_await asio::co_spawn(
                    pool,
                    [&]() -> asio::awaitable<void> {
                        FieldVector fields{{"x-length", std::to_string(body.size())}};
                        co_await res.write_head(200, std::move(fields));
                        for (int i = 0; i < pieces; ++i) co_await res.write(piece);
                        co_await res.finish();
                    },
                    asio::use_awaitable);
            } else {
                FieldVector fields{{"x-length", std::to_string(body.size())}};
                co_await res.write_head(200, std::move(fields));
                for (int i = 0; i < pieces; ++i) co_await res.write(piece);
            }
            ++handled;
        },
        loopback(3));
    std::vector<std::thread> clients;
    std::atomic<int> good{0};
    for (int t = 0; t < 4; ++t) {
        clients.emplace_back([&, t] {
            SocketClient c(server.port());
            std::vector<std::pair<StreamId, std::size_t>> ids;
            std::vector<StreamId> streams;
            for (int i = 0; i < 12; ++i) {
                const StreamId id =
                    c.request(SocketClient::request_fields("POST", i % 3 == 0 ? "/big" : "/small"), false);
                const std::size_t length = 100 + static_cast<std::size_t>(t * 13 + i);
                c.send_body(id, std::string(length, 'q'), true);
                ids.emplace_back(id, length);
                streams.push_back(id);
            }
            if (!c.responses_complete(streams)) return;
            for (const auto& [id, n] : ids) {
                const auto& s = c.streams[id];
                const std::size_t pieces = c.streams[id].body.size() / piece.size();
                if (s.status == "200" && field(s.headers, "x-length") == std::to_string(n) &&
                    (pieces == 1 || pieces == 16) && s.body.size() % piece.size() == 0) {
                    ++good;
                }
            }
        });
    }
    for (auto& t : clients) t.join();
    EXPECT_EQ(good.load(), 4 * 12);
    // A handler counts itself after its last write: the client may have the response first.
    const auto until = std::chrono::steady_clock::now() + 5s;
    while (handled.load() < 4 * 12 && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(1ms);
    EXPECT_EQ(handled.load(), 4 * 12);
    pool.join();
}

TEST(Threads, ShutdownFromAnotherThreadFinishesTheStreamsInFlight) {
    std::atomic<bool> started{false};
    runtime::Server server(loopback(2), [&](ServerRequest&, ResponseWriter& res) -> asio::awaitable<void> {
        started = true;
        co_await sleep_for(300ms);
        co_await res.respond(200, {}, "finished");
    });
    server.listen();
    std::thread runner([&] { server.run(); });
    SocketClient c(server.port());
    const StreamId id = c.request(SocketClient::request_fields("GET", "/"), true);
    ASSERT_TRUE(c.pump_until([&] { return started.load(); }, 5s));
    server.shutdown(5s);
    ASSERT_TRUE(c.response_complete(id));
    EXPECT_EQ(c.streams[id].body, "finished");
    runner.join();                                                       // run() returns once the connection is done
    EXPECT_THROW(SocketClient late(server.port()), std::runtime_error);  // the listener is closed
}

}  // namespace
}  // namespace h2::test
