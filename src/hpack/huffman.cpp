#include "h2/hpack/huffman.hpp"

namespace h2::hpack {
namespace {

struct HuffmanCode {
    std::uint32_t code;  // aligned to the least significant bit
    std::uint8_t bits;
};

struct HuffmanFastEntry {
    std::uint8_t symbol;
    std::uint8_t second;  // a second whole code in the same 11 bits, when bits2 != 0
    std::uint8_t bits;    // 0: the code is longer than kHuffmanFastBits
    std::uint8_t second_bits;
};

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

namespace {

// Finds a code longer than kHuffmanFastBits in `peek`, the next 30 bits of input (padded
// with ones past the end). Returns the symbol (256 = EOS) and sets `bits`; 0 bits if none.
unsigned decode_long(std::uint32_t peek, unsigned& bits) noexcept {
    for (unsigned len = kHuffmanFastBits + 1; len <= 30; ++len) {
        const std::uint32_t code = peek >> (30 - len);
        if (code - kHuffmanFirstCode[len] < kHuffmanCount[len]) {
            bits = len;
            return kHuffmanSymbols[kHuffmanOffset[len] + code - kHuffmanFirstCode[len]];
        }
    }
    bits = 0;
    return 256;
}

}  // namespace

// A bit buffer refilled octet by octet; each step looks the next 11 bits up in kHuffmanFast,
// which resolves every code of 5 to 11 bits (the characters of real header values) at once,
// and often the code after it too.
// Past the end of the input the buffer reads as ones, which is what padding must be.
char* huffman_decode(const std::uint8_t* in, std::size_t n, char* out) noexcept {
    const std::uint8_t* const end = in + n;
    std::uint64_t acc = 0;  // the low `have` bits are input not yet decoded
    unsigned have = 0;
    for (;;) {
        while (have <= 56 && in != end) {
            acc = (acc << 8) | *in++;
            have += 8;
        }
        if (have == 0) return out;
        // The next 30 bits, left-aligned in 32, ones past the end of the input.
        const std::uint64_t window =
            have >= 32 ? acc >> (have - 32) : (acc << (32 - have)) | ((std::uint64_t{1} << (32 - have)) - 1);
        const std::uint32_t peek = static_cast<std::uint32_t>(window);
        const HuffmanFastEntry& e = kHuffmanFast[peek >> (32 - kHuffmanFastBits)];
        if (e.bits != 0 && e.bits + e.second_bits <= have) {
            // Common case: one or two short codes, all real input.
            out[0] = static_cast<char>(e.symbol);
            out[1] = static_cast<char>(e.second);
            out += e.second_bits ? 2 : 1;
            have -= e.bits + e.second_bits;
            continue;
        }
        unsigned bits = e.bits;
        unsigned symbol = e.symbol;
        if (bits == 0) symbol = decode_long(peek >> 2, bits);
        if (bits == 0 || bits > have) {
            // Only padding may be left: fewer than 8 bits, all ones (RFC 7541 §5.2).
            const std::uint64_t mask = (std::uint64_t{1} << have) - 1;
            return (have < 8 && (acc & mask) == mask) ? out : nullptr;
        }
        if (symbol == 256) return nullptr;  // EOS inside a string
        *out++ = static_cast<char>(symbol);
        have -= bits;
    }
}

}  // namespace h2::hpack
