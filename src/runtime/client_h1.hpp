// An HTTP/1.1 client connection (internal header), Boost.Beast underneath: the fallback when
// a TLS server does not offer h2 or a cleartext one does not upgrade. One request at a time;
// the response body streams through a buffer_body parser as the application reads it. The
// first request of a cleartext connection may ask for `Upgrade: h2c`.
#pragma once

#include <boost/asio.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <memory>
#include <optional>
#include <vector>

#include "client_connection.hpp"

namespace h2::runtime {

struct RequestPayload;

// An Upgrade: h2c request was answered with an HTTP/2 SETTINGS frame: the server wants prior
// knowledge (nghttpd --no-tls does that).
struct ServerSpeaksHttp2 {};

template <class Socket>
class H1ClientConnection final : public ClientConnection,
                                 public std::enable_shared_from_this<H1ClientConnection<Socket>> {
public:
    using Parser = boost::beast::http::response_parser<boost::beast::http::buffer_body>;

    H1ClientConnection(Socket socket, std::shared_ptr<const ClientShared> shared);

    bool http2() const noexcept override { return false; }
    bool available() const noexcept override { return !busy_ && !closed_; }
    bool saturated() const noexcept override { return busy_; }
    bool closed() const noexcept override { return closed_; }
    boost::asio::awaitable<ClientResponse> exchange(const PreparedRequest& request) override;
    void shutdown() noexcept override;

    // The request with `Upgrade: h2c` (it has no body). When the server switches (101), the
    // octets that came after the 101 are returned and the socket is the caller's
    // (take_socket()); otherwise the server's HTTP/1.1 answer is the response.
    struct Upgrade {
        bool switched = false;
        std::vector<std::uint8_t> leftover;
        std::optional<ClientResponse> response;
    };
    boost::asio::awaitable<Upgrade> exchange_with_upgrade(const PreparedRequest& request, std::string http2_settings);
    Socket take_socket() noexcept;

    // For the response: the next piece of its body into `into`; 0 at its end (then the
    // connection is free again, or closed when the server asked).
    boost::asio::awaitable<std::size_t> read_body(Parser& parser, std::span<std::uint8_t> into,
                                                  std::chrono::steady_clock::time_point deadline);
    void close() noexcept;

private:
    boost::asio::awaitable<void> write_request(const PreparedRequest& r, RequestPayload& payload,
                                               const std::string* http2_settings);
    boost::asio::awaitable<void> write_body(const PreparedRequest& r, RequestPayload& payload, bool chunked);
    // Reads the response header (1xx ones are kept aside); `upgrading`: a 101 ends it.
    boost::asio::awaitable<std::unique_ptr<Parser>> read_head(const PreparedRequest& r,
                                                              std::vector<InformationalResponse>& informational,
                                                              bool upgrading);
    ClientResponse respond(std::unique_ptr<Parser> parser, std::vector<InformationalResponse> informational,
                           const PreparedRequest& r);
    template <class Buffers>
    boost::asio::awaitable<void> send(const Buffers& buffers, std::chrono::steady_clock::time_point deadline);
    std::chrono::steady_clock::time_point next_deadline(const PreparedRequest& r) const;

    Socket socket_;
    std::shared_ptr<const ClientShared> shared_;
    boost::beast::flat_buffer buffer_;
    bool busy_ = false;
    bool closed_ = false;
    bool keep_alive_ = true;
};

}  // namespace h2::runtime
