// The HPACK Huffman code (RFC 7541 §5.2, Appendix B).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace h2::hpack {

// Octets that huffman_encode() writes for `s`.
std::size_t huffman_encoded_size(std::string_view s) noexcept;

// Writes exactly huffman_encoded_size(s) octets at `out`, padded with the most significant
// bits of EOS. Returns the end.
std::uint8_t* huffman_encode(std::string_view s, std::uint8_t* out) noexcept;

// Room huffman_decode() needs for `n` encoded octets: the shortest code has 5 bits, and the
// decoder may write one octet past the end of what it decodes.
constexpr std::size_t huffman_max_decoded_size(std::size_t n) noexcept { return n * 8 / 5 + 1; }

// Decodes `n` octets at `in` into `out`, which has room for huffman_max_decoded_size(n).
// Returns the end of the output, or nullptr if the input contains EOS, or ends with
// padding longer than 7 bits or not made of ones (RFC 7541 §5.2).
char* huffman_decode(const std::uint8_t* in, std::size_t n, char* out) noexcept;

// The same result as huffman_decode(), one bit at a time: the reference for tests and the
// differential fuzzer (writes no octet past what it decodes).
char* huffman_decode_strict(const std::uint8_t* in, std::size_t n, char* out) noexcept;

}  // namespace h2::hpack
