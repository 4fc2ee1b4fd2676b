// StreamSocket (an exchange as an Asio stream) and server WebSockets over real sockets: Asio's
// own algorithms over one HTTP/2 stream, cancellation, Beast's websocket client over HTTP/1.1,
// and the HTTP/1.1 head translation accept_websocket relies on.
#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>
#include <thread>

#include "h2/runtime/stream_socket.hpp"
#include "h2/runtime/websocket.hpp"
#include "http1_head.hpp"
#include "running_server.hpp"
#include "socket_client.hpp"

namespace h2::test {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using runtime::ResponseWriter;
using runtime::ServerRequest;
using runtime::StreamSocket;
using namespace std::chrono_literals;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

// Echoes the request body with Asio's generic algorithms over a StreamSocket, then ends.
asio::awaitable<void> echo_with_asio_algorithms(ServerRequest& req, ResponseWriter& res) {
    co_await res.write_head(200, std::span<const runtime::FieldView>{});
    StreamSocket socket(req, res, co_await asio::this_coro::executor);
    std::array<char, 3000> buf{};  // an odd size: pieces are cut and joined
    for (;;) {
        const auto [ec, n] = co_await socket.async_read_some(asio::buffer(buf), kTuple);
        if (ec == asio::error::eof) break;
        if (ec) throw boost::system::system_error(ec);
        co_await asio::async_write(socket, asio::buffer(buf.data(), n), asio::use_awaitable);
    }
    co_await socket.async_shutdown_send(asio::use_awaitable);
}

TEST(StreamSocket, AsioAlgorithmsEchoEveryOctetOverOneHttp2Stream) {
    RunningServer server(echo_with_asio_algorithms);
    SocketClient c(server.port());
    const std::string body = pattern(300 * 1024);  // beyond the stream windows both ways
    const StreamId id = c.request(SocketClient::request_fields("POST", "/echo"), false);
    EXPECT_EQ(c.send_body(id, body, true), body.size());
    ASSERT_TRUE(c.response_complete(id));
    EXPECT_FALSE(c.streams[id].reset.has_value());
    EXPECT_EQ(c.streams[id].status, "200");
    EXPECT_EQ(c.streams[id].body.size(), body.size());
    EXPECT_TRUE(c.streams[id].body == body);
}

TEST(StreamSocket, ACancelledReadResetsTheStreamWithCancel) {
    std::atomic<int> read_error{0};
    RunningServer server([&](ServerRequest& req, ResponseWriter& res) -> asio::awaitable<void> {
        using asio::experimental::awaitable_operators::operator||;
        co_await res.write_head(200, std::span<const runtime::FieldView>{});
        StreamSocket socket(req, res, co_await asio::this_coro::executor);
        std::array<char, 100> buf{};
        asio::steady_timer timer(co_await asio::this_coro::executor, 100ms);
        // The body never comes: the timer wins and the read is cancelled.
        const auto r = co_await (socket.async_read_some(asio::buffer(buf), kTuple) || timer.async_wait(kTuple));
        if (r.index() == 0) read_error = 1000;  // the read completed: not expected
        const auto [ec, n] = co_await socket.async_read_some(asio::buffer(buf), kTuple);
        read_error = ec ? ec.value() : -1;
        EXPECT_FALSE(socket.is_open());
    });
    SocketClient c(server.port());
    const StreamId id = c.request(SocketClient::request_fields("POST", "/wait"), false);
    ASSERT_TRUE(c.pump_until([&] { return c.streams[id].reset.has_value(); }));
    EXPECT_EQ(*c.streams[id].reset, ErrorCode::cancel);
    ASSERT_TRUE(c.pump_until([&] { return read_error.load() != 0; }));
    EXPECT_EQ(read_error.load(), static_cast<int>(asio::error::connection_reset));
}

// The WebSocket echo h2serve serves, as a test handler.
asio::awaitable<void> websocket_echo(ServerRequest& req, ResponseWriter& res) {
    runtime::WebSocketOptions options;
    options.max_message = 1000;
    auto ws = co_await runtime::accept_websocket(req, res, options);
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

TEST(WebSocket, BeastClientOverHttp1EchoesTextAndBinaryAndCloses) {
    RunningServer server(websocket_echo);
    asio::io_context io;
    websocket::stream<asio::ip::tcp::socket> ws(io);
    ws.next_layer().connect({asio::ip::make_address("127.0.0.1"), server.port()});
    ws.handshake("127.0.0.1", "/ws");
    beast::flat_buffer buffer;
    ws.text(true);
    ws.write(asio::buffer(std::string("hello")));
    ws.read(buffer);
    EXPECT_TRUE(ws.got_text());
    EXPECT_EQ(beast::buffers_to_string(buffer.data()), "hello");
    buffer.clear();
    const std::string binary = pattern(999);
    ws.binary(true);
    ws.write(asio::buffer(binary));
    ws.read(buffer);
    EXPECT_TRUE(ws.got_binary());
    EXPECT_EQ(beast::buffers_to_string(buffer.data()), binary);
    buffer.clear();
    // Beast's close waits for the server's close frame and then the end of the connection.
    boost::system::error_code ec;
    ws.close(websocket::close_code::normal, ec);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(ws.reason().code, websocket::close_code::normal);
}

TEST(WebSocket, AMessageOverTheLimitClosesWith1009) {
    RunningServer server(websocket_echo);
    asio::io_context io;
    websocket::stream<asio::ip::tcp::socket> ws(io);
    ws.next_layer().connect({asio::ip::make_address("127.0.0.1"), server.port()});
    ws.handshake("127.0.0.1", "/ws");
    ws.binary(true);
    ws.write(asio::buffer(pattern(1001)));
    beast::flat_buffer buffer;
    boost::system::error_code ec;
    ws.read(buffer, ec);
    EXPECT_EQ(ec, websocket::error::closed);
    EXPECT_EQ(ws.reason().code, websocket::close_code::too_big);
}

TEST(WebSocket, AnHttp2RequestThatIsNoWebSocketRequestIsAnswered400) {
    RunningServer server(websocket_echo);
    SocketClient c(server.port());
    const StreamId id = c.request(SocketClient::request_fields("GET", "/ws"), true);
    ASSERT_TRUE(c.response_complete(id));
    EXPECT_EQ(c.streams[id].status, "400");
    EXPECT_FALSE(c.streams[id].reset.has_value());
}

TEST(Http1Head, ParsesStatusAndFieldsWithNamesInLowerCase) {
    const auto h = runtime::parse_http1_head(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: upgrade\r\n"
        "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nServer:  beast \r\n\r\n",
        false);
    EXPECT_EQ(h.status, 101);
    const runtime::FieldVector want{{"upgrade", "websocket"},
                                    {"connection", "upgrade"},
                                    {"sec-websocket-accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="},
                                    {"server", "beast"}};
    EXPECT_EQ(h.fields, want);
}

TEST(Http1Head, ForHttp2DropsConnectionSpecificFieldsAndTheAccept) {
    const auto h = runtime::parse_http1_head(
        "HTTP/1.1 426 Upgrade Required\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n"
        "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Accept: x\r\nKeep-Alive: 5\r\n\r\n",
        true);
    EXPECT_EQ(h.status, 426);
    const runtime::FieldVector want{{"sec-websocket-version", "13"}};
    EXPECT_EQ(h.fields, want);
}

TEST(Http1Head, RejectsWhatIsNotAnHttp11ResponseHead) {
    EXPECT_THROW(runtime::parse_http1_head("HTTP/1.0 200 OK\r\n\r\n", true), std::runtime_error);
    EXPECT_THROW(runtime::parse_http1_head("HTTP/1.1 2x0 OK\r\n\r\n", true), std::runtime_error);
    EXPECT_THROW(runtime::parse_http1_head("HTTP/1.1 200 OK\r\nno colon\r\n\r\n", true), std::runtime_error);
    EXPECT_THROW(runtime::parse_http1_head("HTTP/1.1 200 OK\r\nx: y", true), std::runtime_error);
}

}  // namespace
}  // namespace h2::test
