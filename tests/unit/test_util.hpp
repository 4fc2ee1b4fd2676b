// Small helpers for the unit tests.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace h2::test {

using Bytes = std::vector<std::uint8_t>;

// "82 86 84" or "828684" -> octets.
inline Bytes hex(std::string_view s) {
    Bytes out;
    int hi = -1;
    for (char c : s) {
        int v;
        if (c >= '0' && c <= '9') v = c - '0';
        else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
        else continue;
        if (hi < 0) {
            hi = v;
        } else {
            out.push_back(static_cast<std::uint8_t>(hi * 16 + v));
            hi = -1;
        }
    }
    return out;
}

inline Bytes bytes(std::string_view s) { return Bytes(s.begin(), s.end()); }

inline std::string str(std::span<const std::uint8_t> b) { return std::string(b.begin(), b.end()); }

// Octets -> "82 86 84" (for failure messages).
inline std::string to_hex(std::span<const std::uint8_t> b) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (std::uint8_t o : b) {
        if (!out.empty()) out += ' ';
        out += digits[o >> 4];
        out += digits[o & 15];
    }
    return out;
}

}  // namespace h2::test
