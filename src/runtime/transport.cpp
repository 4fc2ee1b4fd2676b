#include "transport.hpp"

#include "deadline.hpp"

#include <algorithm>
#include <cstring>

namespace h2::runtime {

namespace asio = boost::asio;

template <class Socket>
asio::awaitable<Protocol> accept_protocol(Socket& socket, boost::beast::flat_buffer& buffer,
                                          std::chrono::steady_clock::time_point deadline) {
    Deadline limit(socket, deadline);
    if constexpr (!std::is_same_v<Socket, asio::ip::tcp::socket>) {
        const auto [ec] =
            co_await socket.async_handshake(asio::ssl::stream_base::server, asio::as_tuple(asio::use_awaitable));
        limit.check(ec, "handshake deadline");
        // RFC 9113 §3.2: ALPN h2; http/1.1 or no ALPN at all means HTTP/1.1.
        const unsigned char* proto = nullptr;
        unsigned int len = 0;
        SSL_get0_alpn_selected(socket.native_handle(), &proto, &len);
        co_return len == 2 && proto[0] == 'h' && proto[1] == '2' ? Protocol::h2 : Protocol::http1;
    } else {
        for (;;) {
            const std::string_view seen(static_cast<const char*>(buffer.data().data()), buffer.size());
            switch (sniff(seen)) {
                case Sniffed::h2:
                    co_return Protocol::h2;
                case Sniffed::http1:
                    co_return Protocol::http1;
                case Sniffed::refused:
                    co_return Protocol::refused;
                case Sniffed::need_more:
                    break;
            }
            const auto [ec, got] =
                co_await socket.async_read_some(buffer.prepare(4096), asio::as_tuple(asio::use_awaitable));
            limit.check(ec, "handshake deadline");
            buffer.commit(got);
        }
    }
}

template asio::awaitable<Protocol> accept_protocol(asio::ip::tcp::socket&, boost::beast::flat_buffer&,
                                                   std::chrono::steady_clock::time_point);
template asio::awaitable<Protocol> accept_protocol(TlsStream&, boost::beast::flat_buffer&,
                                                   std::chrono::steady_clock::time_point);

}  // namespace h2::runtime
