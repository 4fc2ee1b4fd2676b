// WebSockets over HTTP/2 (RFC 8441: extended CONNECT, one stream per socket) and over HTTP/1.1
// (RFC 6455: Upgrade): a server handler serves both (accept_websocket), the client opens either
// (connect_websocket). The WebSocket protocol is Boost.Beast's websocket::stream, running over
// the exchange as a StreamSocket: one type, WebSocket, on both sides.
//
//   ServerOptions options;
//   options.engine.settings.enable_connect_protocol = true;  // SETTINGS_ENABLE_CONNECT_PROTOCOL
//   Server server(options, [](ServerRequest& req, ResponseWriter& res) -> awaitable<void> {
//       if (!h2::runtime::is_websocket_request(req)) co_return co_await res.respond(404, {}, "");
//       auto ws = co_await h2::runtime::accept_websocket(req, res);
//       if (!ws) co_return;  // refused (bad version, ...): the answer has been sent
//       boost::beast::flat_buffer buffer;
//       for (;;) {   // an echo; the client's close ends the loop with websocket::error::closed
//           co_await ws->async_read(buffer, boost::asio::use_awaitable);
//           ws->text(ws->got_text());
//           co_await ws->async_write(buffer.data(), boost::asio::use_awaitable);
//           buffer.clear();
//       }
//   });
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

#include "h2/runtime/handler.hpp"
#include "h2/runtime/stream_socket.hpp"

namespace h2::runtime {

using WebSocket = boost::beast::websocket::stream<StreamSocket>;

struct WebSocketOptions {
    std::size_t max_message = 16u << 20;  // a longer message closes with 1009 (message too big)
    // No frame from the peer for this long: a ping; no answer either: the socket is closed
    // (Beast's idle timeout with keep-alive pings). Zero: none.
    std::chrono::seconds idle_timeout{300};
    std::chrono::seconds handshake_timeout{30};  // the closing handshake's limit too
    std::string subprotocol;                     // sent as sec-websocket-protocol when not empty
};

// An HTTP/2 extended CONNECT with :protocol websocket (RFC 8441 §4), or an HTTP/1.1 request
// with Upgrade: websocket (RFC 6455 §4.1).
bool is_websocket_request(const ServerRequest& request) noexcept;

// Accepts the request as a WebSocket: Beast checks it (version 13, the key on HTTP/1.1) and
// the answer is 200 on HTTP/2, 101 on HTTP/1.1. A request it refuses gets Beast's answer (a bad
// sec-websocket-version: 426 with sec-websocket-version: 13; a missing field: 400) and this
// returns nullopt; so does a request that is no WebSocket request (400). Throws
// boost::system::system_error when the exchange went away during the handshake.
boost::asio::awaitable<std::optional<WebSocket>> accept_websocket(ServerRequest& request, ResponseWriter& response,
                                                                  WebSocketOptions options);
// (Overloads, not default arguments: GCC 12 destroys a braced default argument of a
// coroutine twice when the call is inside a co_await expression.)
inline boost::asio::awaitable<std::optional<WebSocket>> accept_websocket(ServerRequest& request,
                                                                         ResponseWriter& response) {
    WebSocketOptions options;
    return accept_websocket(request, response, std::move(options));
}

class Client;  // h2/runtime/client.hpp

// The client's side: a WebSocket to `url` (ws://, wss://, or http(s)://) with `fields` in its
// handshake. Over one stream of the client's HTTP/2 connection to the origin (RFC 8441: an
// extended CONNECT) when the server sent SETTINGS_ENABLE_CONNECT_PROTOCOL (wss://, or ws://
// with ClientOptions::prior_knowledge); otherwise over an HTTP/1.1 connection of its own
// (RFC 6455), as browsers do. `ws.next_layer().http2()` says which. Throws ClientError
// (connect, TLS, the stream), or boost::system::system_error when the server refuses the
// WebSocket (websocket::error::upgrade_declined: another status than 2xx / 101). The client
// must outlive the WebSocket.
boost::asio::awaitable<WebSocket> connect_websocket(Client& client, std::string url, FieldVector fields,
                                                    WebSocketOptions options);
inline boost::asio::awaitable<WebSocket> connect_websocket(Client& client, std::string url) {
    FieldVector fields;
    WebSocketOptions options;
    return connect_websocket(client, std::move(url), std::move(fields), std::move(options));
}

}  // namespace h2::runtime
