#include "h2/hpack/huffman.hpp"

#include <bit>
#include <cstring>

namespace h2::hpack {
namespace {

struct HuffmanCode {
    std::uint32_t code;  // aligned to the least significant bit
    std::uint8_t bits;
};

struct HuffmanFastEntry {
    std::uint8_t symbol;
    std::uint8_t second;  // a second whole code in the same kHuffmanFastBits, when second_bits != 0
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

// Codes gather in a 64-bit accumulator and leave four octets at a time (a code has at most
// 30 bits, so fewer than 32 pending bits plus one code always fit).
std::uint8_t* huffman_encode(std::string_view s, std::uint8_t* out) noexcept {
    std::uint64_t acc = 0;  // pending bits, right-aligned (bits above them are stale)
    unsigned n = 0;         // how many
    for (unsigned char c : s) {
        const HuffmanCode& code = kHuffmanCodes[c];
        acc = (acc << code.bits) | code.code;
        n += code.bits;
        if (n >= 32) {
            n -= 32;
            const auto word = static_cast<std::uint32_t>(acc >> n);
            out[0] = static_cast<std::uint8_t>(word >> 24);
            out[1] = static_cast<std::uint8_t>(word >> 16);
            out[2] = static_cast<std::uint8_t>(word >> 8);
            out[3] = static_cast<std::uint8_t>(word);
            out += 4;
        }
    }
    while (n >= 8) {
        n -= 8;
        *out++ = static_cast<std::uint8_t>(acc >> n);
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

namespace {

std::uint64_t load_be64(const std::uint8_t* p) noexcept {
    std::uint64_t v;
    std::memcpy(&v, p, 8);
    if constexpr (std::endian::native == std::endian::little) v = __builtin_bswap64(v);
    return v;
}

// The last octets (fewer than eight) and the `have` bits already in `acc` (left-aligned):
// copied into a buffer of ones, which is what padding must be, so that the same refill and
// lookups work; a code that would end past the input stops the decoding, and what is left
// must be fewer than 8 bits, all ones (RFC 7541 §5.2).
char* decode_tail(const std::uint8_t* in, const std::uint8_t* end, std::uint64_t acc, unsigned have,
                  char* out) noexcept {
    std::uint8_t padded[40];
    std::memset(padded, 0xff, sizeof padded);
    const std::size_t rest = static_cast<std::size_t>(end - in);
    if (rest > 0) std::memcpy(padded, in, rest);
    std::uint64_t left = have + 8 * rest;  // real bits not yet decoded
    const std::uint8_t* p = padded;
    for (;;) {
        acc |= load_be64(p) >> have;
        p += (63 - have) >> 3;
        have |= 56;
        while (have >= 30) {
            const HuffmanFastEntry& e = kHuffmanFast[acc >> (64 - kHuffmanFastBits)];
            unsigned bits = e.bits, symbol = e.symbol;
            if (bits == 0) {
                // A longer code: none fits in what is left at the end (the padding, usually).
                if (left <= kHuffmanFastBits) bits = kHuffmanFastBits + 1;
                else symbol = decode_long(static_cast<std::uint32_t>(acc >> 34), bits);
            }
            if (bits > left) {
                // RFC 7541 §5.2: only padding is left.
                return left < 8 && (left == 0 || acc >> (64 - left) == (std::uint64_t{1} << left) - 1) ? out : nullptr;
            }
            if (symbol == 256) return nullptr;  // EOS inside the string
            *out++ = static_cast<char>(symbol);
            acc <<= bits;
            have -= bits;
            left -= bits;
        }
    }
}

}  // namespace

// While eight octets or more remain: the buffer is refilled with one big-endian 64-bit load
// (left-aligned, at least 56 bits after each refill) and each lookup of the next 12 bits in
// kHuffmanFast gives one or two whole codes, with no end-of-input checks (1-2 symbols per
// lookup, four or more lookups per refill). Longer codes take decode_long; EOS there
// is inside the string (input follows). The last octets go through decode_tail.
char* huffman_decode(const std::uint8_t* in, std::size_t n, char* out) noexcept {
    const std::uint8_t* const end = in + n;
    std::uint64_t acc = 0;  // the top `have` bits are input not yet decoded
    unsigned have = 0;
    while (end - in >= 8) {
        acc |= load_be64(in) >> have;
        in += (63 - have) >> 3;
        have |= 56;
        while (have >= kHuffmanFastBits) {
            const HuffmanFastEntry& e = kHuffmanFast[acc >> (64 - kHuffmanFastBits)];
            if (e.bits != 0) {
                out[0] = static_cast<char>(e.symbol);
                out[1] = static_cast<char>(e.second);
                out += 1 + (e.second_bits != 0);
                const unsigned used = e.bits + e.second_bits;
                acc <<= used;
                have -= used;
                continue;
            }
            if (have < 30) break;  // refill first: a long code has up to 30 bits
            unsigned bits = 0;
            const unsigned symbol = decode_long(static_cast<std::uint32_t>(acc >> 34), bits);
            if (symbol == 256) return nullptr;  // EOS inside a string (bits is never 0 with 30 bits)
            *out++ = static_cast<char>(symbol);
            acc <<= bits;
            have -= bits;
        }
    }
    return decode_tail(in, end, acc & ~(~std::uint64_t{0} >> have), have, out);
}

// One bit at a time against the canonical code's first code and count per length: the
// reference the fast decoder is fuzzed against (fuzz/hpack_huffman_fuzz.cpp).
char* huffman_decode_strict(const std::uint8_t* in, std::size_t n, char* out) noexcept {
    std::uint32_t code = 0;
    unsigned length = 0;
    for (std::size_t i = 0; i < n * 8; ++i) {
        code = code << 1 | ((in[i / 8] >> (7 - i % 8)) & 1);
        ++length;
        if (length > 30) return nullptr;
        const std::uint32_t first = kHuffmanFirstCode[length];
        if (code >= first && code - first < kHuffmanCount[length]) {
            const unsigned symbol = kHuffmanSymbols[kHuffmanOffset[length] + code - first];
            if (symbol == 256) return nullptr;
            *out++ = static_cast<char>(symbol);
            code = 0;
            length = 0;
        }
    }
    // RFC 7541 §5.2: at most 7 bits of padding, the most significant bits of EOS (all ones).
    return length < 8 && code == (std::uint32_t{1} << length) - 1 ? out : nullptr;
}

}  // namespace h2::hpack
