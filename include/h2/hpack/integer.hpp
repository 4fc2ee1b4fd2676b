// Prefix-coded integers (RFC 7541 §5.1).
#pragma once

#include <cstdint>

namespace h2::hpack {

enum class IntegerStatus : std::uint8_t { ok, truncated, overflow };

// Largest value libh2 decodes. Every quantity HPACK carries (indices, string lengths, table
// sizes) fits in 32 bits; anything longer is an attack or a bug.
inline constexpr std::uint32_t max_integer = 0xffffffffu;

// Decodes an integer whose prefix is the low `prefix_bits` (1..8) bits of *p. On success
// advances `p` past the integer.
inline IntegerStatus decode_integer(const std::uint8_t*& p, const std::uint8_t* end, unsigned prefix_bits,
                                    std::uint32_t& value) noexcept {
    if (p == end) return IntegerStatus::truncated;
    const std::uint32_t mask = (1u << prefix_bits) - 1;
    std::uint64_t v = *p & mask;
    const std::uint8_t* q = p + 1;
    if (v == mask) {
        unsigned shift = 0;
        for (;;) {
            if (q == end) return IntegerStatus::truncated;
            const std::uint8_t b = *q++;
            // Five continuation octets carry 35 bits: enough for 2^32-1 plus the prefix.
            if (shift > 28) return IntegerStatus::overflow;
            v += std::uint64_t{b & 0x7fu} << shift;
            if (v > max_integer) return IntegerStatus::overflow;
            shift += 7;
            if ((b & 0x80) == 0) break;
        }
    }
    value = static_cast<std::uint32_t>(v);
    p = q;
    return IntegerStatus::ok;
}

// Encodes `value` with a `prefix_bits` prefix; `first` carries the representation's
// pattern bits above the prefix. Writes at most 6 octets at `out`; returns the end.
inline std::uint8_t* encode_integer(std::uint8_t* out, std::uint8_t first, unsigned prefix_bits,
                                    std::uint32_t value) noexcept {
    const std::uint32_t mask = (1u << prefix_bits) - 1;
    if (value < mask) {
        *out++ = static_cast<std::uint8_t>(first | value);
        return out;
    }
    *out++ = static_cast<std::uint8_t>(first | mask);
    value -= mask;
    while (value >= 0x80) {
        *out++ = static_cast<std::uint8_t>((value & 0x7f) | 0x80);
        value >>= 7;
    }
    *out++ = static_cast<std::uint8_t>(value);
    return out;
}

inline constexpr std::size_t max_integer_octets = 6;

}  // namespace h2::hpack
