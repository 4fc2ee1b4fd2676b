// Opening a client connection (internal header): name resolution and TCP connect within the
// connect timeout, the TLS context (system trust store, ALPN h2 then http/1.1) and handshake
// (SNI, host name verification) within the handshake timeout.
#pragma once

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>

#include <chrono>
#include <memory>
#include <string>

#include "client_connection.hpp"

namespace h2::runtime {

// Throws TlsError when a certificate file cannot be read.
std::shared_ptr<boost::asio::ssl::context> make_client_tls_context(const ClientOptions& options);

// Throws ConnectError or TimeoutError.
boost::asio::awaitable<boost::asio::ip::tcp::socket> connect_tcp(const boost::asio::any_io_executor& executor,
                                                                 const Url& url, std::chrono::milliseconds timeout);

// The TLS handshake; returns the protocol ALPN chose ("h2", "http/1.1", or empty). Throws
// TlsError (with the verification failure's reason) or TimeoutError.
boost::asio::awaitable<std::string> tls_handshake(TlsStream& stream, const Url& url, bool verify,
                                                  std::chrono::milliseconds timeout);

// RFC 4648 §5 without padding (an HTTP2-Settings field value).
std::string encode_base64url(std::span<const std::uint8_t> octets);

}  // namespace h2::runtime
