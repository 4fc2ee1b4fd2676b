// HPACK Huffman: the fast decoder (a 64-bit refill, one or two codes per table lookup, a tail
// over a buffer of ones) against the strict one (one bit at a time), on any input: the same
// verdict and the same octets, nothing written past huffman_max_decoded_size. The input also
// goes through as a string: encoded, it decodes back to itself with both.
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <vector>

#include "h2/hpack/huffman.hpp"

namespace {

void same_verdict(const std::uint8_t* data, std::size_t size) {
    const std::size_t room = h2::hpack::huffman_max_decoded_size(size);
    std::vector<char> fast(room + 16, '\x5a'), strict(room, '\0');
    char* f = h2::hpack::huffman_decode(data, size, fast.data());
    char* g = h2::hpack::huffman_decode_strict(data, size, strict.data());
    if ((f == nullptr) != (g == nullptr)) std::abort();
    for (std::size_t i = room; i < fast.size(); ++i) {
        if (fast[i] != '\x5a') std::abort();  // wrote past the room it was given
    }
    if (f == nullptr) return;
    const std::size_t n = static_cast<std::size_t>(f - fast.data());
    if (n != static_cast<std::size_t>(g - strict.data()) || std::memcmp(fast.data(), strict.data(), n) != 0) {
        std::abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    same_verdict(data, size);
    const std::string_view s(reinterpret_cast<const char*>(data), size);
    std::vector<std::uint8_t> encoded(h2::hpack::huffman_encoded_size(s));
    h2::hpack::huffman_encode(s, encoded.data());
    same_verdict(encoded.data(), encoded.size());
    std::vector<char> back(h2::hpack::huffman_max_decoded_size(encoded.size()));
    char* end = h2::hpack::huffman_decode(encoded.data(), encoded.size(), back.data());
    if (end == nullptr || std::string_view(back.data(), static_cast<std::size_t>(end - back.data())) != s) std::abort();
    return 0;
}
