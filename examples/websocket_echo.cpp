// A WebSocket echo at /echo, over HTTP/2 (RFC 8441 extended CONNECT: each WebSocket is one
// stream of a multiplexed connection) and over HTTP/1.1 (Upgrade), from one handler; the
// WebSocket protocol is Boost.Beast's, running over the stream.
//   websocket_echo [PORT]    (default 8080; 0: any, printed); GET / gives a page that uses it.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <cstdio>
#include <string>

#include "h2/runtime/handler.hpp"
#include "h2/runtime/server.hpp"
#include "h2/runtime/websocket.hpp"

namespace asio = boost::asio;
using h2::runtime::ResponseWriter;
using h2::runtime::ServerRequest;

constexpr const char* kPage =
    "<!doctype html><title>echo</title><pre id=log></pre><script>\n"
    "const ws = new WebSocket(location.origin.replace('http', 'ws') + '/echo');\n"
    "ws.onopen = () => ws.send('hello over ' + location.protocol);\n"
    "ws.onmessage = (e) => { log.textContent += e.data + '\\n'; };\n"
    "</script>\n";

asio::awaitable<void> handle(ServerRequest& request, ResponseWriter& response) {
    if (request.path != "/echo" || !h2::runtime::is_websocket_request(request)) {
        h2::runtime::FieldVector fields{{"content-type", "text/html"}};
        co_return co_await response.respond(200, std::move(fields), kPage);
    }
    auto ws = co_await h2::runtime::accept_websocket(request, response);
    if (!ws) co_return;  // refused (e.g. an unknown WebSocket version): answered already
    boost::beast::flat_buffer buffer;
    for (;;) {
        const auto [ec, n] = co_await ws->async_read(buffer, asio::as_tuple(asio::use_awaitable));
        if (ec) co_return;  // the client closed (Beast answered the close), or the stream went away
        ws->text(ws->got_text());
        co_await ws->async_write(buffer.data(), asio::use_awaitable);
        buffer.consume(n);
    }
}

int main(int argc, char** argv) {
    h2::runtime::ServerOptions options;
    options.port = static_cast<std::uint16_t>(argc > 1 ? std::atoi(argv[1]) : 8080);
    options.engine.settings.enable_connect_protocol = true;  // SETTINGS_ENABLE_CONNECT_PROTOCOL
    options.handle_signals = true;
    h2::runtime::Server server(options, handle);
    server.listen();
    std::printf("listening on http://localhost:%u\n", static_cast<unsigned>(server.port()));
    std::fflush(stdout);
    server.run();
}
