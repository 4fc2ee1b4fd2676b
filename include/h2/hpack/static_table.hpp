// The HPACK static table (RFC 7541 Appendix A) and its lookups.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace h2::hpack {

struct StaticEntry {
    std::string_view name;
    std::string_view value;
};

inline constexpr std::size_t static_table_size = 61;

// Index 0 is unused: HPACK indices start at 1.
inline constexpr std::array<StaticEntry, static_table_size + 1> static_table = {{
    {"", ""},
    {":authority", ""},
    {":method", "GET"},
    {":method", "POST"},
    {":path", "/"},
    {":path", "/index.html"},
    {":scheme", "http"},
    {":scheme", "https"},
    {":status", "200"},
    {":status", "204"},
    {":status", "206"},
    {":status", "304"},
    {":status", "400"},
    {":status", "404"},
    {":status", "500"},
    {"accept-charset", ""},
    {"accept-encoding", "gzip, deflate"},
    {"accept-language", ""},
    {"accept-ranges", ""},
    {"accept", ""},
    {"access-control-allow-origin", ""},
    {"age", ""},
    {"allow", ""},
    {"authorization", ""},
    {"cache-control", ""},
    {"content-disposition", ""},
    {"content-encoding", ""},
    {"content-language", ""},
    {"content-length", ""},
    {"content-location", ""},
    {"content-range", ""},
    {"content-type", ""},
    {"cookie", ""},
    {"date", ""},
    {"etag", ""},
    {"expect", ""},
    {"expires", ""},
    {"from", ""},
    {"host", ""},
    {"if-match", ""},
    {"if-modified-since", ""},
    {"if-none-match", ""},
    {"if-range", ""},
    {"if-unmodified-since", ""},
    {"last-modified", ""},
    {"link", ""},
    {"location", ""},
    {"max-forwards", ""},
    {"proxy-authenticate", ""},
    {"proxy-authorization", ""},
    {"range", ""},
    {"referer", ""},
    {"refresh", ""},
    {"retry-after", ""},
    {"server", ""},
    {"set-cookie", ""},
    {"strict-transport-security", ""},
    {"transfer-encoding", ""},
    {"user-agent", ""},
    {"vary", ""},
    {"via", ""},
    {"www-authenticate", ""},
}};

struct StaticMatch {
    std::uint8_t full = 0;  // index of an entry with this name and value, or 0
    std::uint8_t name = 0;  // index of the first entry with this name, or 0
};

// Finds `name` (and `value`) in the static table, by hash: no string scan over the table.
// `name_hash` is hash_string(name) (hpack/hash.hpp), for callers that have it already.
StaticMatch find_static(std::string_view name, std::string_view value, std::uint32_t name_hash) noexcept;
StaticMatch find_static(std::string_view name, std::string_view value) noexcept;

}  // namespace h2::hpack
