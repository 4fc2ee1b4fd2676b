// HTTP/1.1 requests as the cleartext port sees them, without I/O (internal header; Beast's
// message types, no Asio I/O): the h2c upgrade request turned into HTTP/2 terms.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "h2/runtime/fields.hpp"

namespace h2::runtime {

// A request that asked to switch to HTTP/2: its decoded HTTP2-Settings and its fields as an
// HTTP/2 request (pseudo-headers first).
struct UpgradeRequest {
    std::vector<std::uint8_t> settings;
    FieldVector fields;
};

// RFC 4648 §5 without padding (HTTP2-Settings); nullopt when malformed.
std::optional<std::vector<std::uint8_t>> decode_base64url(std::string_view s);

// The upgrade a request asks for (Upgrade: h2c, one HTTP2-Settings named in Connection, no
// body), or nullopt: a request with a body is served as HTTP/1.1, its body left a body.
std::optional<UpgradeRequest> upgrade_of(const boost::beast::http::request<boost::beast::http::string_body>& r);

// An HTTP/1.1 request with Expect: 100-continue.
bool expects_continue(const boost::beast::http::request<boost::beast::http::string_body>& r);

}  // namespace h2::runtime
