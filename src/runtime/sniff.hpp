// What the first octets on a cleartext port say (internal header, no Boost).
#pragma once

#include <cstdint>
#include <string_view>

namespace h2::runtime {

// The complete client preface, an HTTP/1.x request line (its CRLF seen), something else, or
// not known yet.
enum class Sniffed : std::uint8_t { h2, http1, refused, need_more };
Sniffed sniff(std::string_view first_octets) noexcept;

}  // namespace h2::runtime
