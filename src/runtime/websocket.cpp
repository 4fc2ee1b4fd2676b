// accept_websocket: Beast does the handshake over a StreamSocket whose first write (Beast's
// HTTP/1.1 response head) is translated into the exchange's answer (stream_socket.cpp).
#include "h2/runtime/websocket.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/websocket/error.hpp>
#include <boost/system/system_error.hpp>

namespace h2::runtime {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;

namespace {
bool has_token(std::string_view list, std::string_view token) noexcept {
    while (!list.empty()) {
        const auto comma = list.find(',');
        std::string_view item = list.substr(0, comma);
        while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
        while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
        if (beast::iequals(item, token)) return true;
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
    }
    return false;
}

// The request as Beast's accept expects it. On HTTP/2 the HTTP/1.1 handshake fields are made
// up: RFC 8441 §5 has no key (and no accept); the version and the rest are the client's.
http::request<http::empty_body> handshake_request(const ServerRequest& request) {
    http::request<http::empty_body> r;
    r.version(11);
    r.target(request.path);
    if (request.version == 20) {
        r.method(http::verb::get);
        r.set(http::field::host, request.authority);
    } else {
        r.method_string(request.method);
    }
    for (const auto& [name, value] : request.fields) r.insert(name, value);
    if (request.version == 20) {
        r.set(http::field::upgrade, "websocket");
        r.set(http::field::connection, "upgrade");
        r.set(http::field::sec_websocket_key, "dGhlIHNhbXBsZSBub25jZQ==");  // (RFC 6455's sample)
    }
    return r;
}
}  // namespace

bool is_websocket_request(const ServerRequest& request) noexcept {
    if (request.version == 20) return request.method == "CONNECT" && request.protocol == "websocket";
    return has_token(request.field("upgrade"), "websocket");
}

asio::awaitable<std::optional<WebSocket>> accept_websocket(ServerRequest& request, ResponseWriter& response,
                                                           WebSocketOptions options) {
    if (!is_websocket_request(request)) {
        FieldVector fields{{"content-type", "text/plain"}};
        co_await response.respond(400, std::move(fields), "400 Bad Request: not a WebSocket request\n");
        co_return std::nullopt;
    }
    WebSocket ws(request, response, co_await asio::this_coro::executor);
    websocket::stream_base::timeout timeouts = websocket::stream_base::timeout::suggested(beast::role_type::server);
    timeouts.handshake_timeout = options.handshake_timeout;
    if (options.idle_timeout.count() > 0) {
        timeouts.idle_timeout = options.idle_timeout;
    } else {
        timeouts.idle_timeout = websocket::stream_base::none();
        timeouts.keep_alive_pings = false;
    }
    ws.set_option(timeouts);
    ws.read_message_max(options.max_message);
    if (!options.subprotocol.empty()) {
        ws.set_option(websocket::stream_base::decorator(
            [p = options.subprotocol](websocket::response_type& r) { r.set(http::field::sec_websocket_protocol, p); }));
    }
    const auto handshake = handshake_request(request);
    ws.next_layer().translate_http1_head(true);
    const auto [ec] = co_await ws.async_accept(handshake, asio::as_tuple(asio::use_awaitable));
    if (ec) {
        // Refused: Beast's answer was the response (end it); or the exchange went away.
        if (!response.head_sent() || response.tunnel()) throw boost::system::system_error(ec, "websocket handshake");
        if (!response.finished()) co_await response.finish();
        co_return std::nullopt;
    }
    co_return std::optional<WebSocket>(std::move(ws));
}

}  // namespace h2::runtime
