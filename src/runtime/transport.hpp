// The transport handshake of a server connection (internal header): TLS with ALPN, or, on
// cleartext, the first octets: the HTTP/2 client preface (prior knowledge), an HTTP/1.1
// request line, or anything else (the connection is closed). One deadline covers it all; the
// driver keeps the same deadline until the peer's first SETTINGS.
#pragma once

#include <boost/asio.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include <chrono>

#include "context.hpp"
#include "sniff.hpp"
#include "write_plan.hpp"

namespace h2::runtime {

enum class Protocol : std::uint8_t { h2, http1, refused };

// Reads (cleartext) or negotiates (TLS) until the protocol is known; octets read past it stay
// in `buffer`. Throws boost::system::system_error on EOF, a socket error, or the deadline.
template <class Socket>
boost::asio::awaitable<Protocol> accept_protocol(Socket& socket, boost::beast::flat_buffer& buffer,
                                                 std::chrono::steady_clock::time_point deadline);

}  // namespace h2::runtime
