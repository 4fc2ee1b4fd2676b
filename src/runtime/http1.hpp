// HTTP/1.1 on the cleartext port (Boost.Beast), and the switch to HTTP/2 by Upgrade: h2c
// (RFC 7540 §3.2). Internal header.
#pragma once

#include <boost/asio.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include <optional>
#include <string>
#include <vector>

#include "context.hpp"
#include "h2/runtime/server.hpp"
#include "http1_request.hpp"
#include "write_plan.hpp"

namespace h2::runtime {

// Serves HTTP/1.1 requests from `buffer` (which may already hold bytes) and the socket until
// the client closes, or asks to upgrade (returned; the 101 has been written).
// On TLS (TlsStream) an Upgrade header is ignored: h2c is cleartext only (ALPN does it there).
template <class Stream>
asio::awaitable<std::optional<UpgradeRequest>> serve_http1(Stream& stream, boost::beast::flat_buffer& buffer,
                                                           const SessionContext& context);

}  // namespace h2::runtime
