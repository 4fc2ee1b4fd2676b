// h2serve's WebSocket echo at /ws/echo (RFC 8441 over HTTP/2, RFC 6455 over HTTP/1.1).
#pragma once

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstddef>

#include "h2/runtime/handler.hpp"

// Each text or binary message back as it came; pings are answered and the close handshake is
// completed by Beast; a message over `max_message` octets closes with 1009.
boost::asio::awaitable<void> websocket_echo(h2::runtime::ServerRequest& req, h2::runtime::ResponseWriter& res,
                                            std::size_t max_message, std::chrono::seconds idle_timeout);
