// RFC 7541 §5.2 and Appendix B.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>

#include "h2/hpack/huffman.hpp"
#include "test_util.hpp"

using namespace h2::hpack;
using h2::test::hex;

namespace {
h2::test::Bytes encode(std::string_view s) {
    h2::test::Bytes out(huffman_encoded_size(s));
    EXPECT_EQ(huffman_encode(s, out.data()), out.data() + out.size());
    return out;
}
bool decode(const h2::test::Bytes& b, std::string& s) {
    s.assign(huffman_max_decoded_size(b.size()), '\0');
    char* end = huffman_decode(b.data(), b.size(), s.data());
    if (!end) return false;
    s.resize(static_cast<std::size_t>(end - s.data()));
    return true;
}
}  // namespace

TEST(Huffman, EncodesTheRfcExamples) {
    EXPECT_EQ(encode("www.example.com"), hex("f1e3 c2e5 f23a 6ba0 ab90 f4ff"));  // C.4.1
    EXPECT_EQ(encode("no-cache"), hex("a8eb 1064 9cbf"));                        // C.4.2
    EXPECT_EQ(encode("custom-key"), hex("25a8 49e9 5ba9 7d7f"));                 // C.4.3
    EXPECT_EQ(encode("302"), hex("6402"));                                       // C.6.1
    EXPECT_EQ(encode("https://www.example.com"), hex("9d29 ad17 1863 c78f 0b97 c8e9 ae82 ae43 d3"));
}

TEST(Huffman, DecodesTheRfcExamples) {
    std::string s;
    ASSERT_TRUE(decode(hex("f1e3 c2e5 f23a 6ba0 ab90 f4ff"), s));
    EXPECT_EQ(s, "www.example.com");
    ASSERT_TRUE(decode(hex("d07a be94 1054 d444 a820 0595 040b 8166 e082 a62d 1bff"), s));
    EXPECT_EQ(s, "Mon, 21 Oct 2013 20:13:21 GMT");
}

TEST(Huffman, EveryOctetRoundTrips) {
    std::string all;
    for (int c = 0; c < 256; ++c) all += static_cast<char>(c);
    std::string back;
    ASSERT_TRUE(decode(encode(all), back));
    EXPECT_EQ(back, all);
}

TEST(Huffman, RandomStringsRoundTrip) {
    std::mt19937 rng(7541);
    std::uniform_int_distribution<int> octet(0, 255), len(0, 300);
    for (int i = 0; i < 500; ++i) {
        std::string s(static_cast<std::size_t>(len(rng)), '\0');
        for (char& c : s) c = static_cast<char>(octet(rng));
        std::string back;
        ASSERT_TRUE(decode(encode(s), back));
        ASSERT_EQ(back, s);
    }
}

TEST(Huffman, EmptyStringIsEmpty) {
    std::string s = "x";
    EXPECT_TRUE(decode({}, s));
    EXPECT_EQ(s, "");
    EXPECT_EQ(huffman_encoded_size(""), 0u);
}

TEST(Huffman, PaddingOfEightOrMoreBitsIsRejected) {
    // "0" is 00000 (5 bits); a full extra octet of ones is more than 7 bits of padding.
    std::string s;
    EXPECT_TRUE(decode(hex("07"), s));  // 00000 111
    EXPECT_EQ(s, "0");
    EXPECT_FALSE(decode(hex("07 ff"), s));
}

TEST(Huffman, PaddingThatIsNotAllOnesIsRejected) {
    std::string s;
    EXPECT_FALSE(decode(hex("06"), s));  // 00000 110
}

TEST(Huffman, EosInsideTheStringIsRejected) {
    std::string s;
    EXPECT_FALSE(decode(hex("ff ff ff ff"), s));  // 30 ones: EOS, then more
    EXPECT_FALSE(decode(hex("ff ff ff fc"), s));  // exactly EOS and padding bits
}

// The fast decoder (eight octets per refill, one or two codes per lookup) against the strict
// one, bit by bit: the same verdict and octets for valid strings, strings with EOS, long codes
// and bad padding in every position the fast loop and the tail can meet them.
TEST(Huffman, FastAndStrictDecodersAgreeOnValidAndDamagedInput) {
    std::mt19937 rng(9113);
    std::uniform_int_distribution<int> octet(0, 255), len(0, 120), printable(32, 126);
    const auto agree = [](const h2::test::Bytes& in) {
        std::string fast(huffman_max_decoded_size(in.size()), '\0'), strict(fast.size(), '\0');
        char* f = huffman_decode(in.data(), in.size(), fast.data());
        char* g = huffman_decode_strict(in.data(), in.size(), strict.data());
        ASSERT_EQ(f == nullptr, g == nullptr) << h2::test::to_hex(in);
        if (f) {
            ASSERT_EQ(std::string(fast.data(), f), std::string(strict.data(), g)) << h2::test::to_hex(in);
        }
    };
    for (int i = 0; i < 3000; ++i) {
        std::string s(static_cast<std::size_t>(len(rng)), '\0');
        const bool text = i % 3 != 0;  // mostly text, some binary (long codes)
        for (char& c : s) c = static_cast<char>(text ? printable(rng) : octet(rng));
        h2::test::Bytes b = encode(s);
        agree(b);
        if (b.empty()) continue;
        b[static_cast<std::size_t>(octet(rng)) % b.size()] ^= static_cast<std::uint8_t>(1u << (octet(rng) % 8));
        agree(b);  // one bit flipped anywhere
        b.push_back(0xff);
        agree(b);  // a whole octet of padding
        h2::test::Bytes random(static_cast<std::size_t>(len(rng)));
        for (auto& o : random) o = static_cast<std::uint8_t>(octet(rng) | (i % 2 ? 0xc0 : 0));
        agree(random);  // arbitrary octets, half of them biased to long codes and EOS
    }
}

TEST(Huffman, TablesAreWhatTheGeneratorMakesFromTheRfc) {
    // The committed table must be the script's output for RFC 7541 Appendix B.
    const std::string out = std::string(::testing::TempDir()) + "huffman_tables.inc";
    const std::string cmd = std::string("python3 ") + LIBH2_SOURCE_DIR + "/scripts/gen_huffman_tables.py " +
                            LIBH2_SHARED_DIR + "/specs/rfc7541-hpack.txt " + out;
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
    auto slurp = [](const std::string& path) {
        std::ifstream in(path);
        std::stringstream ss;
        ss << in.rdbuf();
        return ss.str();
    };
    const std::string committed = slurp(std::string(LIBH2_SOURCE_DIR) + "/src/hpack/huffman_tables.inc");
    EXPECT_FALSE(committed.empty());
    EXPECT_EQ(slurp(out), committed);
}
