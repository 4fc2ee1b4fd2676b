#include "h2/hpack/huffman.hpp"

namespace h2::hpack {
namespace {

struct HuffmanCode {
    std::uint32_t code;  // aligned to the least significant bit
    std::uint8_t bits;
};

struct HuffmanDecodeEntry {
    std::uint8_t next_state;
    std::uint8_t flags;
    std::uint8_t symbol;
};

constexpr std::uint8_t kHuffEmit = 1;
constexpr std::uint8_t kHuffAccept = 2;
constexpr std::uint8_t kHuffFail = 4;

#include "huffman_tables.inc"

}  // namespace

std::size_t huffman_encoded_size(std::string_view s) noexcept {
    std::size_t bits = 0;
    for (unsigned char c : s) bits += kHuffmanCodes[c].bits;
    return (bits + 7) / 8;
}

std::uint8_t* huffman_encode(std::string_view s, std::uint8_t* out) noexcept {
    std::uint64_t acc = 0;  // pending bits, right-aligned
    unsigned n = 0;         // how many
    for (unsigned char c : s) {
        const HuffmanCode& code = kHuffmanCodes[c];
        acc = (acc << code.bits) | code.code;
        n += code.bits;
        while (n >= 8) {
            n -= 8;
            *out++ = static_cast<std::uint8_t>(acc >> n);
        }
    }
    if (n > 0) {
        // RFC 7541 §5.2: pad with the most significant bits of EOS (all ones).
        *out++ = static_cast<std::uint8_t>((acc << (8 - n)) | (0xffu >> n));
    }
    return out;
}

char* huffman_decode(const std::uint8_t* in, std::size_t n, char* out) noexcept {
    std::uint8_t state = 0;
    std::uint8_t flags = kHuffAccept;
    for (const std::uint8_t* end = in + n; in != end; ++in) {
        const HuffmanDecodeEntry& hi = kHuffmanDecode[state][*in >> 4];
        if (hi.flags & kHuffFail) return nullptr;
        if (hi.flags & kHuffEmit) *out++ = static_cast<char>(hi.symbol);
        const HuffmanDecodeEntry& lo = kHuffmanDecode[hi.next_state][*in & 0xf];
        if (lo.flags & kHuffFail) return nullptr;
        if (lo.flags & kHuffEmit) *out++ = static_cast<char>(lo.symbol);
        state = lo.next_state;
        flags = lo.flags;
    }
    return (flags & kHuffAccept) ? out : nullptr;
}

}  // namespace h2::hpack
