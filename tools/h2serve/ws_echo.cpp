#include "ws_echo.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include "h2/runtime/websocket.hpp"

boost::asio::awaitable<void> websocket_echo(h2::runtime::ServerRequest& req, h2::runtime::ResponseWriter& res,
                                            std::size_t max_message, std::chrono::seconds idle_timeout) {
    h2::runtime::WebSocketOptions options;
    options.max_message = max_message;
    options.idle_timeout = idle_timeout;
    auto ws = co_await h2::runtime::accept_websocket(req, res, options);
    if (!ws) co_return;  // refused: answered
    constexpr auto as_tuple = boost::asio::as_tuple(boost::asio::use_awaitable);
    boost::beast::flat_buffer buffer;
    for (;;) {
        // Ends with websocket::error::closed after the client's close, or another error
        // (message too big, stream reset): nothing more to do either way.
        const auto [ec, n] = co_await ws->async_read(buffer, as_tuple);
        if (ec) co_return;
        ws->text(ws->got_text());
        const auto [wec, written] = co_await ws->async_write(buffer.data(), as_tuple);
        if (wec) co_return;
        buffer.consume(n);
    }
}
