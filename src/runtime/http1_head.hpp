// An HTTP/1.1 response head as the runtime answers it (internal header): what
// accept_websocket's handshake bridge reads from Beast's output (stream_socket.cpp).
#pragma once

#include <string_view>

#include "h2/runtime/fields.hpp"

namespace h2::runtime {

struct Http1Head {
    int status = 0;
    FieldVector fields;  // names in lower case
};

// Parses "HTTP/1.1 NNN reason\r\n(name: value\r\n)*\r\n"; throws std::runtime_error when it
// is not that. `for_http2`: fields HTTP/2 forbids or replaces are left out (RFC 9113
// §8.2.2: connection, upgrade, keep-alive, proxy-connection, transfer-encoding) and so is
// sec-websocket-accept (RFC 8441 §5: no key, no accept), and 101 becomes the tunnel's 200.
Http1Head parse_http1_head(std::string_view head, bool for_http2);

}  // namespace h2::runtime
