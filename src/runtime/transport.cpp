#include "transport.hpp"

#include "deadline.hpp"

#include <algorithm>
#include <cstring>

namespace h2::runtime {

namespace asio = boost::asio;

namespace {

constexpr std::string_view kPreface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";  // RFC 9113 §3.4
// A request line longer than this is not one we serve (Beast's header limit is larger).
constexpr std::size_t kMaxRequestLine = 8192;

}  // namespace

Sniffed sniff(std::string_view first) noexcept {
    const std::size_t n = std::min(first.size(), kPreface.size());
    if (first.substr(0, n) == kPreface.substr(0, n)) return n == kPreface.size() ? Sniffed::h2 : Sniffed::need_more;
    const std::size_t eol = first.find("\r\n");
    if (eol == std::string_view::npos) return first.size() > kMaxRequestLine ? Sniffed::refused : Sniffed::need_more;
    // RFC 9112 §3: method SP request-target SP HTTP-version. Anything else (h2spec 3.5/2's
    // "INVALID CONNECTION PREFACE") is not HTTP/1.x: the connection is closed, not answered.
    const std::string_view line = first.substr(0, eol);
    const std::size_t sp = line.find(' ');
    const bool version = line.size() > 9 && (line.ends_with(" HTTP/1.1") || line.ends_with(" HTTP/1.0"));
    return sp != std::string_view::npos && sp > 0 && version && line.size() - 9 > sp ? Sniffed::http1
                                                                                     : Sniffed::refused;
}

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
