// The client's WebSockets (connect_websocket) against a libh2 server over real sockets: over
// HTTP/2 when the server allows extended CONNECT, over HTTP/1.1 when it does not, many on
// one connection, and a refusal.
#include <gtest/gtest.h>

#include <atomic>

#include <boost/asio.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include "h2/runtime/client.hpp"
#include "h2/runtime/stream_socket.hpp"
#include "h2/runtime/websocket.hpp"
#include "running_server.hpp"

namespace h2::test {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using runtime::ResponseWriter;
using runtime::ServerRequest;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

asio::awaitable<void> echo(ServerRequest& req, ResponseWriter& res) {
    if (req.path != "/ws") {
        co_await res.respond(404, {}, "");
        co_return;
    }
    auto ws = co_await runtime::accept_websocket(req, res);
    if (!ws) co_return;
    beast::flat_buffer buffer;
    for (;;) {
        const auto [ec, n] = co_await ws->async_read(buffer, kTuple);
        if (ec) co_return;
        ws->text(ws->got_text());
        co_await ws->async_write(buffer.data(), asio::use_awaitable);
        buffer.consume(n);
    }
}

runtime::ServerOptions with_connect_protocol(bool on) {
    auto o = loopback();
    o.engine.settings.enable_connect_protocol = on;
    return o;
}

// Runs `body` as a coroutine on a fresh io_context with a client, to its end (or 20 s).
template <class Body>
void with_client(runtime::ClientOptions options, Body body) {
    asio::io_context io;
    runtime::Client client(io.get_executor(), std::move(options));
    std::exception_ptr failure;
    asio::co_spawn(io, body(client), [&](std::exception_ptr e) {
        failure = e;
        client.shutdown();
    });
    io.run_for(std::chrono::seconds(20));
    // Out of work by itself: no stream or connection left behind (a refused CONNECT's request
    // body once kept its connection open).
    EXPECT_TRUE(io.stopped());
    if (failure) std::rethrow_exception(failure);
}

runtime::ClientOptions prior_knowledge() {
    runtime::ClientOptions o;
    o.prior_knowledge = true;
    return o;
}

asio::awaitable<std::string> round_trip(runtime::WebSocket& ws, const std::string& message, bool text) {
    ws.text(text);
    co_await ws.async_write(asio::buffer(message), asio::use_awaitable);
    beast::flat_buffer buffer;
    co_await ws.async_read(buffer, asio::use_awaitable);
    EXPECT_EQ(ws.got_text(), text);
    co_return beast::buffers_to_string(buffer.data());
}

TEST(ClientWebSocket, RunsOverHttp2WhenTheServerAllowsExtendedConnect) {
    RunningServer server(echo, with_connect_protocol(true));
    bool done = false;
    with_client(prior_knowledge(), [&](runtime::Client& client) -> asio::awaitable<void> {
        const std::string url = "ws://127.0.0.1:" + std::to_string(server.port()) + "/ws";
        auto ws = co_await runtime::connect_websocket(client, url);
        EXPECT_TRUE(ws.next_layer().http2());
        EXPECT_EQ(co_await round_trip(ws, "hello", true), "hello");
        const std::string big = pattern(300 * 1024);  // beyond the stream windows both ways
        EXPECT_TRUE(co_await round_trip(ws, big, false) == big);
        co_await ws.async_close(websocket::close_code::normal, asio::use_awaitable);
        EXPECT_EQ(ws.reason().code, websocket::close_code::normal);
        EXPECT_EQ(client.stats().connections_opened, 1u);
        done = true;
    });
    EXPECT_TRUE(done);
}

TEST(ClientWebSocket, ManyShareOneHttp2Connection) {
    RunningServer server(echo, with_connect_protocol(true));
    bool done = false;
    with_client(prior_knowledge(), [&](runtime::Client& client) -> asio::awaitable<void> {
        const std::string url = "ws://127.0.0.1:" + std::to_string(server.port()) + "/ws";
        std::vector<runtime::WebSocket> sockets;
        for (int i = 0; i < 8; ++i) sockets.push_back(co_await runtime::connect_websocket(client, url));
        for (int round = 0; round < 3; ++round) {
            for (std::size_t i = 0; i < sockets.size(); ++i) {
                const std::string m = "socket " + std::to_string(i) + " round " + std::to_string(round);
                EXPECT_EQ(co_await round_trip(sockets[i], m, true), m);
            }
        }
        for (auto& ws : sockets) co_await ws.async_close(websocket::close_code::normal, asio::use_awaitable);
        EXPECT_EQ(client.stats().connections_opened, 1u);
        done = true;
    });
    EXPECT_TRUE(done);
}

TEST(ClientWebSocket, FallsBackToHttp1WhenTheServerDoesNotAllowExtendedConnect) {
    RunningServer server(echo, with_connect_protocol(false));
    bool done = false;
    with_client(prior_knowledge(), [&](runtime::Client& client) -> asio::awaitable<void> {
        const std::string url = "ws://127.0.0.1:" + std::to_string(server.port()) + "/ws";
        auto ws = co_await runtime::connect_websocket(client, url);
        EXPECT_FALSE(ws.next_layer().http2());
        EXPECT_EQ(co_await round_trip(ws, "over HTTP/1.1", true), "over HTTP/1.1");
        co_await ws.async_close(websocket::close_code::normal, asio::use_awaitable);
        done = true;
    });
    EXPECT_TRUE(done);
}

TEST(ClientWebSocket, CleartextWithoutPriorKnowledgeUsesHttp1AsBrowsersDo) {
    RunningServer server(echo, with_connect_protocol(true));
    bool done = false;
    with_client({}, [&](runtime::Client& client) -> asio::awaitable<void> {
        const std::string url = "ws://127.0.0.1:" + std::to_string(server.port()) + "/ws";
        auto ws = co_await runtime::connect_websocket(client, url);
        EXPECT_FALSE(ws.next_layer().http2());
        EXPECT_EQ(co_await round_trip(ws, "h1", false), "h1");
        co_await ws.async_close(websocket::close_code::normal, asio::use_awaitable);
        done = true;
    });
    EXPECT_TRUE(done);
}

TEST(ClientWebSocket, ARefusalIsUpgradeDeclinedOnBothProtocols) {
    RunningServer server(echo, with_connect_protocol(true));
    for (const bool h2 : {true, false}) {
        int refused = 0;
        with_client(h2 ? prior_knowledge() : runtime::ClientOptions{},
                    [&](runtime::Client& client) -> asio::awaitable<void> {
                        const std::string url = "ws://127.0.0.1:" + std::to_string(server.port()) + "/elsewhere";
                        try {
                            co_await runtime::connect_websocket(client, url);
                        } catch (const boost::system::system_error& e) {
                            if (e.code() == websocket::error::upgrade_declined) ++refused;
                        }
                    });
        EXPECT_EQ(refused, 1) << (h2 ? "HTTP/2" : "HTTP/1.1");
    }
}

// A handler that echoes its request body with Asio's algorithms over a StreamSocket.
asio::awaitable<void> stream_echo(ServerRequest& req, ResponseWriter& res) {
    co_await res.write_head(200, std::span<const runtime::FieldView>{});
    runtime::StreamSocket socket(req, res, co_await asio::this_coro::executor);
    std::array<char, 4096> buf{};
    for (;;) {
        const auto [ec, n] = co_await socket.async_read_some(asio::buffer(buf), kTuple);
        if (ec) break;
        co_await asio::async_write(socket, asio::buffer(buf.data(), n), asio::use_awaitable);
    }
    co_await socket.async_shutdown_send(asio::use_awaitable);
}

TEST(ClientStreamSocket, ARequestAndItsResponseAreOneTwoWayStream) {
    RunningServer server(stream_echo);
    bool done = false;
    with_client(prior_knowledge(), [&](runtime::Client& client) -> asio::awaitable<void> {
        runtime::ClientRequest request("POST", "http://127.0.0.1:" + std::to_string(server.port()) + "/echo");
        auto opened = co_await runtime::open_stream(client, std::move(request));
        EXPECT_EQ(opened.status, 200);
        EXPECT_TRUE(opened.socket.http2());
        // Turn by turn: each piece comes back before the next goes (a body written while the
        // response is read, which HTTP/1.1 cannot do).
        std::array<char, 1000> back{};
        for (int i = 0; i < 20; ++i) {
            const std::string piece = pattern(1000 + static_cast<std::size_t>(i)).substr(i, 1000);
            co_await asio::async_write(opened.socket, asio::buffer(piece), asio::use_awaitable);
            co_await asio::async_read(opened.socket, asio::buffer(back), asio::use_awaitable);
            EXPECT_EQ(std::string(back.data(), back.size()), piece);
        }
        co_await opened.socket.async_shutdown_send(asio::use_awaitable);
        const auto [ec, n] = co_await opened.socket.async_read_some(asio::buffer(back), kTuple);
        EXPECT_EQ(ec, asio::error::eof);
        done = true;
    });
    EXPECT_TRUE(done);
}

TEST(ClientStreamSocket, OverHttp1ItIsUnsupportedAndNothingIsSent) {
    std::atomic<int> requests{0};
    RunningServer server([&](ServerRequest& req, ResponseWriter& res) -> asio::awaitable<void> {
        ++requests;
        return stream_echo(req, res);
    });
    int unsupported = 0;
    with_client({}, [&](runtime::Client& client) -> asio::awaitable<void> {
        runtime::ClientRequest request("POST", "http://127.0.0.1:" + std::to_string(server.port()) + "/echo");
        try {
            co_await runtime::open_stream(client, std::move(request));
        } catch (const runtime::UnsupportedError&) {
            ++unsupported;
        }
    });
    EXPECT_EQ(unsupported, 1);
    EXPECT_EQ(requests.load(), 0);
}

}  // namespace
}  // namespace h2::test
