// RFC 7541 §5.1 and Appendix C.1.
#include <gtest/gtest.h>

#include "h2/hpack/integer.hpp"
#include "test_util.hpp"

using namespace h2::hpack;
using h2::test::hex;

namespace {
h2::test::Bytes encode(std::uint8_t first, unsigned prefix, std::uint32_t v) {
    std::uint8_t buf[max_integer_octets];
    return {buf, encode_integer(buf, first, prefix, v)};
}
IntegerStatus decode(const h2::test::Bytes& b, unsigned prefix, std::uint32_t& v, std::size_t& used) {
    const std::uint8_t* p = b.data();
    const IntegerStatus s = decode_integer(p, b.data() + b.size(), prefix, v);
    used = static_cast<std::size_t>(p - b.data());
    return s;
}
}  // namespace

TEST(HpackInteger, C_1_1_TenWithFivePrefixBitsIsOneOctet) { EXPECT_EQ(encode(0, 5, 10), hex("0a")); }

TEST(HpackInteger, C_1_2_1337WithFivePrefixBitsIsThreeOctets) {
    EXPECT_EQ(encode(0, 5, 1337), hex("1f 9a 0a"));
    std::uint32_t v = 0;
    std::size_t used = 0;
    ASSERT_EQ(decode(hex("1f 9a 0a"), 5, v, used), IntegerStatus::ok);
    EXPECT_EQ(v, 1337u);
    EXPECT_EQ(used, 3u);
}

TEST(HpackInteger, C_1_3_42AtAnOctetBoundary) { EXPECT_EQ(encode(0, 8, 42), hex("2a")); }

TEST(HpackInteger, PatternBitsAboveThePrefixAreKeptAndIgnored) {
    EXPECT_EQ(encode(0x80, 7, 2), hex("82"));
    std::uint32_t v = 0;
    std::size_t used = 0;
    ASSERT_EQ(decode(hex("e5"), 5, v, used), IntegerStatus::ok);
    EXPECT_EQ(v, 5u);
}

TEST(HpackInteger, ValueEqualToThePrefixMaskNeedsAContinuationOctet) { EXPECT_EQ(encode(0, 5, 31), hex("1f 00")); }

TEST(HpackInteger, RoundTripsAcrossPrefixesAndMagnitudes) {
    for (unsigned prefix = 1; prefix <= 8; ++prefix) {
        for (std::uint32_t v :
             {0u, 1u, 30u, 126u, 127u, 128u, 255u, 16383u, 16384u, 1u << 21, 0x7fffffffu, 0xfffffffeu, 0xffffffffu}) {
            const auto b = encode(0, prefix, v);
            std::uint32_t got = 0;
            std::size_t used = 0;
            ASSERT_EQ(decode(b, prefix, got, used), IntegerStatus::ok) << prefix << " " << v;
            EXPECT_EQ(got, v);
            EXPECT_EQ(used, b.size());
            EXPECT_LE(b.size(), max_integer_octets);
        }
    }
}

TEST(HpackInteger, ValueAbove32BitsIsOverflow) {
    std::uint32_t v = 0;
    std::size_t used = 0;
    // 2^32 with a 5-bit prefix: 31 + (2^32 - 31).
    EXPECT_EQ(decode(hex("1f e1 ff ff ff 0f"), 5, v, used), IntegerStatus::overflow);
}

TEST(HpackInteger, EndlessContinuationOctetsAreOverflowNotALoop) {
    h2::test::Bytes b(1000, 0x80);
    b[0] = 0x1f;
    std::uint32_t v = 0;
    std::size_t used = 0;
    EXPECT_EQ(decode(b, 5, v, used), IntegerStatus::overflow);
}

TEST(HpackInteger, ZeroPaddedContinuationBeyondFiveOctetsIsOverflow) {
    std::uint32_t v = 0;
    std::size_t used = 0;
    EXPECT_EQ(decode(hex("1f 80 80 80 80 80 00"), 5, v, used), IntegerStatus::overflow);
}

TEST(HpackInteger, TruncatedIntegerLeavesTheCursorInPlace) {
    const auto b = hex("1f 9a");
    const std::uint8_t* p = b.data();
    std::uint32_t v = 0;
    EXPECT_EQ(decode_integer(p, b.data() + b.size(), 5, v), IntegerStatus::truncated);
    EXPECT_EQ(p, b.data());
    const std::uint8_t* q = b.data();
    EXPECT_EQ(decode_integer(q, q, 5, v), IntegerStatus::truncated);
}
