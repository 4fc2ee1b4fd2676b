// Coroutine handlers over real sockets: a Server on 127.0.0.1 (one worker thread) and a
// blocking libh2 client (tests/support/socket_client.hpp), or raw HTTP/1.1 text.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio.hpp>
#include <thread>

#include "h2/runtime/handler.hpp"
#include "h2/runtime/server.hpp"
#include "running_server.hpp"
#include "socket_client.hpp"

namespace h2::test {
namespace {

namespace asio = boost::asio;
using runtime::FieldVector;
using runtime::ResponseWriter;
using runtime::ServerRequest;
using namespace std::chrono_literals;

// Raw HTTP/1.1: sends `request`, reads until the server closes or `done` is in the reply.
std::string http1_exchange(std::uint16_t port, const std::string& request, const std::string& done) {
    const int fd = connect_loopback(port);
    ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
    std::string reply;
    const auto until = std::chrono::steady_clock::now() + 10s;
    while (reply.find(done) == std::string::npos && std::chrono::steady_clock::now() < until) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 50) <= 0) continue;
        char buf[4096];
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) break;
        reply.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return reply;
}

TEST(CoroutineHandler, RequestBody_ReturnsCreditOnlyAsTheHandlerReads) {
    std::atomic<bool> go{false};
    std::atomic<int> pieces{0};
    RunningServer server([&](ServerRequest& req, ResponseWriter& res) -> asio::awaitable<void> {
        while (!go) co_await sleep_for(2ms);
        std::size_t n = 0;
        for (auto piece = co_await req.body.read(); !piece.empty(); piece = co_await req.body.read()) {
            n += piece.size();
            ++pieces;
        }
        co_await res.respond(200, {}, std::to_string(n));
    });
    SocketClient c(server.port());
    const std::string body = pattern(1 << 20);
    const StreamId id = c.request(SocketClient::request_fields("POST", "/upload"), false);
    // The handler does not read yet: the stream's window (65,535) is all that goes out (the
    // client's engine buffers 64 KiB more), and no credit comes back.
    const std::size_t before = c.send_body(id, body, true, 500ms);
    EXPECT_EQ(before, 65535u + 65536u);
    EXPECT_EQ(c.conn.stream_send_window(id), 0);
    go = true;
    const std::size_t after = c.send_body(id, std::string_view(body).substr(before), true);
    EXPECT_EQ(before + after, body.size());
    ASSERT_TRUE(c.response_complete(id));
    EXPECT_EQ(c.streams[id].status, "200");
    EXPECT_EQ(c.streams[id].body, std::to_string(body.size()));
    EXPECT_GT(pieces.load(), 1);
}

TEST(CoroutineHandler, ResponseWriter_WaitsForTheClientsWindowAndKeepsEveryOctet) {
    std::atomic<bool> wrote_all{false};
    const std::string body = pattern(256 * 1024);
    RunningServer server([&](ServerRequest&, ResponseWriter& res) -> asio::awaitable<void> {
        FieldVector head{{"content-type", "application/octet-stream"}};  // GCC 12: no braced literals in co_await
        co_await res.write_head(200, std::move(head));
        for (std::size_t at = 0; at < body.size(); at += 4096)
            co_await res.write(std::string_view(body).substr(at, 4096));
        wrote_all = true;
        FieldVector trailers{{"x-sum", std::to_string(body.size())}};
        co_await res.finish(std::move(trailers));
    });
    Config config;
    config.settings.initial_window_size = 16384;
    config.auto_release = false;  // the test gives credit back by hand
    SocketClient c(server.port(), config);
    const StreamId id = c.request(SocketClient::request_fields("GET", "/"), true);
    c.pump_for(300ms);
    // One window's worth arrived; the handler is still waiting in write() (the engine's
    // buffer of 64 KiB is full), not finished.
    EXPECT_EQ(c.streams[id].body.size(), 16384u);
    EXPECT_FALSE(wrote_all.load());
    std::size_t released = 0;
    ASSERT_TRUE(c.pump_until([&] {
        const std::size_t got = c.streams[id].body.size();
        if (got > released) {
            c.conn.release_received_data(id, static_cast<std::uint32_t>(got - released));
            released = got;
        }
        return c.streams[id].ended;
    }));
    EXPECT_TRUE(wrote_all.load());
    EXPECT_EQ(c.streams[id].body, body);
    EXPECT_EQ(field(c.streams[id].trailers, "x-sum"), std::to_string(body.size()));
}

TEST(CoroutineHandler, IsCancelledWhenItsStreamIsReset) {
    std::atomic<bool> read_threw{false}, sleep_cancelled{false};
    RunningServer server([&](ServerRequest& req, ResponseWriter&) -> asio::awaitable<void> {
        if (req.path == "/read") {
            try {
                co_await req.body.read();  // the client never sends the body
            } catch (const boost::system::system_error&) {
                read_threw = true;
            }
        } else {
            try {
                co_await sleep_for(30s);  // the handler's own wait gets terminal cancellation
            } catch (const boost::system::system_error& e) {
                sleep_cancelled = e.code() == asio::error::operation_aborted;
            }
        }
    });
    SocketClient c(server.port());
    const StreamId a = c.request(SocketClient::request_fields("POST", "/read"), false);
    const StreamId b = c.request(SocketClient::request_fields("GET", "/sleep"), true);
    c.pump_for(100ms);
    c.conn.reset_stream(a, ErrorCode::cancel);
    c.conn.reset_stream(b, ErrorCode::cancel);
    EXPECT_TRUE(c.pump_until([&] { return read_threw && sleep_cancelled; }, 5s));
    // The connection is fine: another request is answered.
    const StreamId d = c.request(SocketClient::request_fields("POST", "/read"), false);
    c.send_body(d, "x", true);
    ASSERT_TRUE(c.response_complete(d));
    EXPECT_EQ(c.streams[d].status, "200");
}

TEST(CoroutineHandler, IsCancelledWhenTheConnectionCloses) {
    std::atomic<bool> cancelled{false};
    std::atomic<int> started{0};
    RunningServer server([&](ServerRequest&, ResponseWriter&) -> asio::awaitable<void> {
        ++started;
        try {
            co_await sleep_for(30s);
        } catch (const boost::system::system_error&) {
            cancelled = true;
        }
    });
    {
        SocketClient c(server.port());
        c.request(SocketClient::request_fields("GET", "/"), true);
        ASSERT_TRUE(c.pump_until([&] { return started == 1; }, 5s));
    }  // closed
    const auto until = std::chrono::steady_clock::now() + 5s;
    while (!cancelled && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(5ms);
    EXPECT_TRUE(cancelled.load());
}

TEST(CoroutineHandler, ExceptionBeforeTheHeadBecomes500AndAfterItResetsTheStream) {
    RunningServer server([](ServerRequest& req, ResponseWriter& res) -> asio::awaitable<void> {
        if (req.path == "/late") {
            co_await res.write_head(200);
            co_await res.write("partial");
        }
        throw std::runtime_error("handler bug");
    });
    SocketClient c(server.port());
    const StreamId early = c.request(SocketClient::request_fields("GET", "/early"), true);
    const StreamId late = c.request(SocketClient::request_fields("GET", "/late"), true);
    ASSERT_TRUE(c.response_complete(early));
    ASSERT_TRUE(c.response_complete(late));
    EXPECT_EQ(c.streams[early].status, "500");
    EXPECT_FALSE(c.streams[early].reset.has_value());
    EXPECT_EQ(c.streams[late].status, "200");
    ASSERT_TRUE(c.streams[late].reset.has_value());
    EXPECT_EQ(*c.streams[late].reset, ErrorCode::internal_error);
    EXPECT_FALSE(c.eof);
}

TEST(CoroutineHandler, SeesRequestTrailersAfterTheBody) {
    RunningServer server([](ServerRequest& req, ResponseWriter& res) -> asio::awaitable<void> {
        const std::string body = co_await req.body.read_all(1 << 20);
        std::string trailer;
        for (const auto& [n, v] : req.trailers) trailer += n + "=" + v;
        co_await res.respond(200, {}, body + "|" + trailer);
    });
    SocketClient c(server.port());
    const StreamId id = c.request(SocketClient::request_fields("POST", "/"), false);
    c.send_body(id, "hello", false);
    c.send_trailers(id, {{"x-checksum", "42"}});
    ASSERT_TRUE(c.response_complete(id));
    EXPECT_EQ(c.streams[id].body, "hello|x-checksum=42");
}

TEST(CoroutineHandler, ReturningWithoutAResponseSendsAnEmpty200AndHeadDropsTheBody) {
    RunningServer server([](ServerRequest& req, ResponseWriter& res) -> asio::awaitable<void> {
        if (req.method == "HEAD") co_await res.write("not sent for HEAD");
    });
    SocketClient c(server.port());
    const StreamId get = c.request(SocketClient::request_fields("GET", "/"), true);
    const StreamId head = c.request(SocketClient::request_fields("HEAD", "/"), true);
    ASSERT_TRUE(c.response_complete(get));
    ASSERT_TRUE(c.response_complete(head));
    EXPECT_EQ(c.streams[get].status, "200");
    EXPECT_EQ(c.streams[get].body, "");
    EXPECT_EQ(c.streams[head].status, "200");
    EXPECT_EQ(c.streams[head].body, "");
}

TEST(CoroutineHandler, ServesHttp11WithAChunkedBodyAndTrailers) {
    RunningServer server([](ServerRequest& req, ResponseWriter& res) -> asio::awaitable<void> {
        const std::string body = co_await req.body.read_all(1024);
        FieldVector head{{"Content-Type", "text/plain"}};
        co_await res.write_head(201, std::move(head));
        co_await res.write("got:");
        co_await res.write(body);
        FieldVector trailers{{"x-length", std::to_string(body.size())}};
        co_await res.finish(std::move(trailers));
    });
    const std::string reply = http1_exchange(
        server.port(), "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc",
        "x-length: 3\r\n\r\n");
    EXPECT_EQ(reply.rfind("HTTP/1.1 201 Created\r\n", 0), 0u) << reply;
    EXPECT_NE(reply.find("content-type: text/plain\r\n"), std::string::npos) << reply;
    EXPECT_NE(reply.find("transfer-encoding: chunked\r\n"), std::string::npos) << reply;
    EXPECT_NE(reply.find("\r\n\r\n4\r\ngot:\r\n3\r\nabc\r\n0\r\nx-length: 3\r\n\r\n"), std::string::npos) << reply;
}

TEST(CoroutineHandler, Http11ExceptionBecomes500) {
    RunningServer server([](ServerRequest&, ResponseWriter&) -> asio::awaitable<void> {
        throw std::runtime_error("handler bug");
        co_return;
    });
    const std::string reply =
        http1_exchange(server.port(), "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", "Error\n");
    EXPECT_EQ(reply.rfind("HTTP/1.1 500 Internal Server Error\r\n", 0), 0u) << reply;
    EXPECT_NE(reply.find("content-length: 26\r\n"), std::string::npos) << reply;
}

TEST(QuickHandler, AnswersWithoutACoroutineAndDeclinesToTheCoroutineHandler) {
    static const std::string big = pattern(200 * 1024);  // more than a stream's 64 KiB buffer
    static const runtime::FieldView fields[] = {{"x-path", "quick"}};
    std::atomic<int> coroutines{0};
    runtime::AsyncHandler handler(
        [&](ServerRequest& req, ResponseWriter& res) -> asio::awaitable<void> {
            ++coroutines;
            co_await res.respond(200, {}, "slow " + req.path);
        },
        [](const runtime::RequestHead& req, runtime::QuickResponse& res) {
            if (req.path == "/small") res.body = "fast";
            else if (req.path == "/big") res.body = big;
            else return false;
            res.fields = fields;
            return true;
        });
    RunningServer server(std::move(handler));
    SocketClient c(server.port());
    const StreamId small = c.request(SocketClient::request_fields("GET", "/small"), true);
    const StreamId large = c.request(SocketClient::request_fields("GET", "/big"), true);
    const StreamId head = c.request(SocketClient::request_fields("HEAD", "/small"), true);
    const StreamId other = c.request(SocketClient::request_fields("GET", "/other"), true);
    for (StreamId id : {small, large, head, other}) ASSERT_TRUE(c.response_complete(id));
    EXPECT_EQ(c.streams[small].body, "fast");
    EXPECT_EQ(field(c.streams[small].headers, "x-path"), "quick");
    EXPECT_EQ(c.streams[large].body, big);
    EXPECT_EQ(c.streams[head].status, "200");
    EXPECT_EQ(c.streams[head].body, "");
    EXPECT_EQ(c.streams[other].body, "slow /other");
    EXPECT_EQ(coroutines.load(), 1);
}

TEST(SynchronousHandler, AnswersWithTheWholeBody) {
    RunningServer server([](const runtime::Request& req) {
        return runtime::Response{200, {{"x-method", req.method}}, req.body, {}, {}};
    });
    SocketClient c(server.port());
    const StreamId id = c.request(SocketClient::request_fields("POST", "/"), false);
    c.send_body(id, "sync body", true);
    ASSERT_TRUE(c.response_complete(id));
    EXPECT_EQ(c.streams[id].body, "sync body");
    EXPECT_EQ(field(c.streams[id].headers, "x-method"), "POST");
}

}  // namespace
}  // namespace h2::test
