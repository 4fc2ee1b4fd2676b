// HTTP semantics of header sections (RFC 9113 §8.1-§8.3, RFC 8441 §4): which field lists are
// well-formed requests, responses and trailers. A violation makes the message malformed: a
// stream error of type PROTOCOL_ERROR (§8.1.1). Each check returns an empty reason when the
// list is valid, else a static string saying why not.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "h2/hpack/field.hpp"

namespace h2::http {

using Fields = std::span<const hpack::HeaderField>;

struct Request {
    std::string_view method, scheme, authority, path, protocol;
    std::optional<std::uint64_t> content_length;
    bool extended_connect() const noexcept { return !protocol.empty(); }
};

struct Response {
    int status = 0;
    std::optional<std::uint64_t> content_length;
};

// `connect_protocol` says whether we advertised SETTINGS_ENABLE_CONNECT_PROTOCOL (RFC 8441).
std::string_view check_request(Fields fields, bool connect_protocol, Request& out) noexcept;
std::string_view check_response(Fields fields, Response& out) noexcept;
std::string_view check_trailers(Fields fields) noexcept;

// RFC 9110 §8.6: 1*DIGIT, without sign, space or list; nullopt otherwise (or on overflow).
std::optional<std::uint64_t> parse_content_length(std::string_view v) noexcept;

}  // namespace h2::http
