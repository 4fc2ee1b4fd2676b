#include <gtest/gtest.h>

#include "h2/frame/header.hpp"
#include "test_util.hpp"

using namespace h2::frame;

TEST(FrameHeader, ParsesLengthTypeFlagsAndStream) {
    const auto b = h2::test::hex("00 40 01 01 05 00 00 00 03");
    const FrameHeader h = parse_header(b.data());
    EXPECT_EQ(h.length, 0x4001u);
    EXPECT_EQ(h.type, 1);
    EXPECT_EQ(h.flags, 5);
    EXPECT_EQ(h.stream_id, 3u);
    EXPECT_TRUE(h.has(flags::end_stream));
    EXPECT_TRUE(h.has(flags::end_headers));
    EXPECT_FALSE(h.has(flags::padded));
}

TEST(FrameHeader, IgnoresTheReservedBitOfTheStreamId) {
    const auto b = h2::test::hex("00 00 00 00 00 80 00 00 01");
    EXPECT_EQ(parse_header(b.data()).stream_id, 1u);  // RFC 9113 §4.1
}

TEST(FrameHeader, WritesWhatItParsesWithTheReservedBitCleared) {
    std::uint8_t b[9];
    write_header(b, {0xffffff, 0x42, 0xff, 0xffffffffu});
    const FrameHeader h = parse_header(b);
    EXPECT_EQ(h.length, 0xffffffu);
    EXPECT_EQ(h.type, 0x42);
    EXPECT_EQ(h.flags, 0xff);
    EXPECT_EQ(h.stream_id, 0x7fffffffu);
    EXPECT_EQ(b[5], 0x7f);
}
