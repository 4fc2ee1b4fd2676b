// Handlers that write while the connection's write is suspended (a client that reads slowly):
// the one-owner rule of docs/runtime.md. Issue 9's reproduction is the first test; it crashed
// under the asan preset (heap-use-after-free in send()) before the engine's output buffer was
// made stable under a write and handlers were made to talk to the connection by commands.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/thread_pool.hpp>
#include <string>

#include "running_server.hpp"
#include "socket_client.hpp"

namespace h2::test {
namespace {

namespace asio = boost::asio;
using runtime::FieldVector;
using runtime::ResponseWriter;
using runtime::ServerRequest;
using namespace std::chrono_literals;

// A client that takes a lot before the engine's windows stop it: what holds the server back
// is the socket (a 4 KiB receive buffer that nobody reads), not flow control.
Config wide_open_client() {
    Config c;
    c.settings.initial_window_size = 16u << 20;
    c.connection_window = 256u << 20;
    return c;
}

constexpr int kSmallReceiveBuffer = 4096;

TEST(SlowReader, HandlerWritesAHeadWhileTheWriteOfABigBodyIsSuspended) {
    const std::string piece = pattern(64 * 1024);
    RunningServer server([&](ServerRequest& req, ResponseWriter& res) -> asio::awaitable<void> {
        if (req.path == "/big") {
            co_await res.write_head(200);
            for (int i = 0; i < 128; ++i) co_await res.write(piece);  // 8 MiB
            co_return;
        }
        co_await sleep_for(400ms);
        FieldVector fields{{"x-huge", std::string(20, 'h')}};
        co_await res.write_head(200, std::move(fields), true);
    });
    SocketClient c(server.port(), wide_open_client(), kSmallReceiveBuffer);
    const StreamId big = c.request(SocketClient::request_fields("GET", "/big"), true);
    const StreamId late = c.request(SocketClient::request_fields("GET", "/late"), true);
    c.pump_once(0ms);
    std::this_thread::sleep_for(1500ms);  // not reading
    ASSERT_TRUE(c.pump_until([&] { return c.streams[big].ended && c.streams[late].ended; }, 30s));
    EXPECT_EQ(c.streams[big].body.size(), 128u * piece.size());
    EXPECT_EQ(c.streams[big].body.substr(0, piece.size()), piece);
    EXPECT_EQ(c.streams[big].body.substr(c.streams[big].body.size() - piece.size()), piece);
    EXPECT_EQ(field(c.streams[late].headers, "x-huge"), std::string(20, 'h'));
    EXPECT_FALSE(c.eof);
}

// Every kind of command while the socket is blocked: heads large enough to move any buffer,
// bodies, trailers, a reset (an exception after the head) and a file body.
TEST(SlowReader, HeadsDataTrailersAndResetsIssuedDuringASuspendedWriteAllArriveInOrder) {
    const std::string piece = pattern(32 * 1024);
    const std::string large_value(6000, 'v');
    RunningServer server([&](ServerRequest& req, ResponseWriter& res) -> asio::awaitable<void> {
        if (req.path == "/big") {
            co_await res.write_head(200);
            for (int i = 0; i < 64; ++i) co_await res.write(piece);  // 2 MiB
            co_return;
        }
        co_await sleep_for(200ms);
        if (req.path == "/head") {
            FieldVector fields{{"x-large", large_value}};
            co_await res.write_head(200, std::move(fields), true);
        } else if (req.path == "/trailers") {
            co_await res.write_head(200);
            co_await res.write(piece);
            FieldVector trailers{{"x-trailer", large_value}};
            co_await res.finish(std::move(trailers));
        } else if (req.path == "/reset") {
            co_await res.write_head(200);
            co_await res.write("partial");
            throw std::runtime_error("fails after its head");
        }
    });
    SocketClient c(server.port(), wide_open_client(), kSmallReceiveBuffer);
    const StreamId big = c.request(SocketClient::request_fields("GET", "/big"), true);
    std::vector<StreamId> heads, trailers, resets;
    for (int i = 0; i < 5; ++i) {
        heads.push_back(c.request(SocketClient::request_fields("GET", "/head"), true));
        trailers.push_back(c.request(SocketClient::request_fields("GET", "/trailers"), true));
        resets.push_back(c.request(SocketClient::request_fields("GET", "/reset"), true));
    }
    c.pump_once(0ms);
    std::this_thread::sleep_for(1000ms);
    std::vector<StreamId> all{big};
    for (auto* list : {&heads, &trailers, &resets}) all.insert(all.end(), list->begin(), list->end());
    ASSERT_TRUE(c.responses_complete(all));
    EXPECT_EQ(c.streams[big].body.size(), 64u * piece.size());
    for (StreamId id : heads) EXPECT_EQ(field(c.streams[id].headers, "x-large"), large_value);
    for (StreamId id : trailers) {
        EXPECT_EQ(c.streams[id].body, piece);
        EXPECT_EQ(field(c.streams[id].trailers, "x-trailer"), large_value);
    }
    for (StreamId id : resets) {
        ASSERT_TRUE(c.streams[id].reset.has_value());
        EXPECT_EQ(*c.streams[id].reset, ErrorCode::internal_error);
    }
    EXPECT_FALSE(c.eof);
}

TEST(SlowReader, ManyStreamsFinishWhileTheSocketIsBlocked) {
    const std::string body = pattern(48 * 1024);
    RunningServer server(
        [&](ServerRequest&, ResponseWriter& res) -> asio::awaitable<void> { co_await res.respond(200, {}, body); });
    SocketClient c(server.port(), wide_open_client(), kSmallReceiveBuffer);
    std::vector<StreamId> ids;
    for (int i = 0; i < 60; ++i) ids.push_back(c.request(SocketClient::request_fields("GET", "/"), true));
    c.pump_once(0ms);
    std::this_thread::sleep_for(800ms);
    ASSERT_TRUE(c.responses_complete(ids));
    for (StreamId id : ids) EXPECT_EQ(c.streams[id].body, body) << "stream " << id;
}

// A handler whose work runs on another thread (a database pool, say) writes its response
// from there: its commands are posted to the connection's executor.
TEST(HandlerOnAnotherThread, WritesItsResponseFromAThreadPool) {
    asio::thread_pool pool(2);
    const std::string piece = pattern(16 * 1024);
    RunningServer server([&](ServerRequest& req, ResponseWriter& res) -> asio::awaitable<void> {
        const std::string body = co_await req.body.read_all(1 << 20);
        co_await asio::co_spawn(
            pool,
            [&]() -> asio::awaitable<void> {
                FieldVector fields{{"x-request-length", std::to_string(body.size())}};
                co_await res.write_head(200, std::move(fields));
                for (int i = 0; i < 32; ++i) co_await res.write(piece);
                FieldVector trailers{{"x-done", "yes"}};
                co_await res.finish(std::move(trailers));
            },
            asio::use_awaitable);
    });
    SocketClient c(server.port(), wide_open_client(), kSmallReceiveBuffer);
    std::vector<StreamId> ids;
    for (int i = 0; i < 8; ++i) {
        const StreamId id = c.request(SocketClient::request_fields("POST", "/"), false);
        c.send_body(id, std::string(1000 + i, 'b'), true);
        ids.push_back(id);
    }
    std::this_thread::sleep_for(300ms);
    ASSERT_TRUE(c.responses_complete(ids));
    for (std::size_t i = 0; i < ids.size(); ++i) {
        const auto& s = c.streams[ids[i]];
        EXPECT_EQ(s.status, "200");
        EXPECT_EQ(field(s.headers, "x-request-length"), std::to_string(1000 + i));
        EXPECT_EQ(s.body.size(), 32u * piece.size());
        EXPECT_EQ(field(s.trailers, "x-done"), "yes");
    }
    pool.join();
}

}  // namespace
}  // namespace h2::test
