// A fast string hash for the HPACK tables: eight octets per step. Usable at compile time
// (the static table's index is built with it).
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <type_traits>

namespace h2::hpack {

// Little-endian reads: one load at run time, a byte loop at compile time (same value).
template <int N, class T>
constexpr T load_le(const char* p) noexcept {
    if (std::is_constant_evaluated()) {
        T v = 0;
        for (int i = 0; i < N; ++i) v |= T{static_cast<unsigned char>(p[i])} << (8 * i);
        return v;
    }
    T v;
    std::memcpy(&v, p, N);
    if constexpr (std::endian::native == std::endian::big) {
        if constexpr (sizeof(T) == 8) v = __builtin_bswap64(v);
        else v = __builtin_bswap32(v);
    }
    return v;
}
constexpr std::uint64_t load8(const char* p) noexcept { return load_le<8, std::uint64_t>(p); }
constexpr std::uint64_t load4(const char* p) noexcept { return load_le<4, std::uint32_t>(p); }

constexpr std::uint32_t hash_string(std::string_view s, std::uint64_t seed = 0) noexcept {
    std::uint64_t h = seed ^ (s.size() * 0x9e3779b97f4a7c15ull);
    const char* p = s.data();
    std::size_t n = s.size();
    for (; n >= 8; p += 8, n -= 8) {
        h = (h ^ load8(p)) * 0xff51afd7ed558ccdull;
        h ^= h >> 32;
    }
    // The last 0-7 octets: two overlapping 4-octet reads, or three single octets.
    std::uint64_t tail = 0;
    if (n >= 4) {
        tail = load4(p) << 32 | load4(p + n - 4);
    } else if (n > 0) {
        tail = std::uint64_t{static_cast<unsigned char>(p[0])} << 16 |
               std::uint64_t{static_cast<unsigned char>(p[n >> 1])} << 8 | static_cast<unsigned char>(p[n - 1]);
    }
    h = (h ^ tail ^ n) * 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 29;
    return static_cast<std::uint32_t>(h);
}

// String equality inline for the short strings of header fields: eight octets per step and
// an overlapping read for the tail (no call to memcmp); memcmp above 64 octets.
inline bool same(std::string_view a, std::string_view b) noexcept {
    const std::size_t n = a.size();
    if (n != b.size()) return false;
    const char* x = a.data();
    const char* y = b.data();
    if (n > 64) return std::memcmp(x, y, n) == 0;
    if (n >= 8) {
        std::uint64_t diff = 0;
        for (std::size_t i = 0; i + 8 <= n; i += 8) diff |= load8(x + i) ^ load8(y + i);
        return (diff | (load8(x + n - 8) ^ load8(y + n - 8))) == 0;
    }
    if (n >= 4) return ((load4(x) ^ load4(y)) | (load4(x + n - 4) ^ load4(y + n - 4))) == 0;
    for (std::size_t i = 0; i < n; ++i) {
        if (x[i] != y[i]) return false;
    }
    return true;
}

}  // namespace h2::hpack
