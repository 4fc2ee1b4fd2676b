#include <gtest/gtest.h>

#include "describe.hpp"
#include "h2/frame/writer.hpp"

using namespace h2::frame;
using h2::test::hex;
using h2::test::read_whole;
using Strings = std::vector<std::string>;

TEST(FrameWriter, WritesDataExactly) {
    Buffer b;
    write_data(b, 1, h2::test::bytes("hi"), true);
    EXPECT_EQ(b, hex("000002 00 01 00000001 6869"));
}

TEST(FrameWriter, WritesPaddedDataWithZeroPadding) {
    Buffer b;
    write_data(b, 3, h2::test::bytes("hi"), false, 2);
    EXPECT_EQ(b, hex("000005 00 08 00000003 02 6869 0000"));
}

TEST(FrameWriter, DataFrameHeaderMatchesTheFullWriter) {
    Buffer b;
    write_data(b, 9, h2::test::Bytes(300, 'x'), true);
    const auto h = data_frame_header(9, 300, true);
    EXPECT_TRUE(std::equal(h.begin(), h.end(), b.begin()));
}

TEST(FrameWriter, SmallHeaderBlockIsOneHeadersFrameWithEndHeaders) {
    Buffer b;
    write_headers(b, 1, h2::test::bytes("abc"), true, 16384);
    EXPECT_EQ(b, hex("000003 01 05 00000001 616263"));
}

TEST(FrameWriter, LargeHeaderBlockIsSplitIntoContinuationsAtMaxFrameSize) {
    Buffer b;
    write_headers(b, 5, h2::test::bytes("abcdefghij"), false, 4);
    EXPECT_EQ(read_whole(b),
              (Strings{"HEADERS s=5 es=0 eh=0 'abcd'", "CONTINUATION s=5 eh=0 'efgh'", "CONTINUATION s=5 eh=1 'ij'"}));
}

TEST(FrameWriter, BlockOfExactlyMaxFrameSizeNeedsNoContinuation) {
    Buffer b;
    write_headers(b, 5, h2::test::bytes("abcd"), false, 4);
    EXPECT_EQ(read_whole(b), (Strings{"HEADERS s=5 es=0 eh=1 'abcd'"}));
}

TEST(FrameWriter, PriorityFieldsCountAgainstTheFirstFrame) {
    Buffer b;
    const PrioritySpec p{3, true, 7};
    write_headers(b, 5, h2::test::bytes("abcdefgh"), true, 8, &p);
    EXPECT_EQ(read_whole(b, 16384),
              (Strings{"HEADERS s=5 es=1 eh=0 dep=3 ex=1 w=7 'abc'", "CONTINUATION s=5 eh=1 'defgh'"}));
}

TEST(FrameWriter, PushPromiseIsSplitLikeHeaders) {
    Buffer b;
    write_push_promise(b, 1, 2, h2::test::bytes("abcdef"), 6);
    EXPECT_EQ(read_whole(b), (Strings{"PUSH_PROMISE s=1 p=2 eh=0 'ab'", "CONTINUATION s=1 eh=1 'cdef'"}));
}

TEST(FrameWriter, WritesEveryControlFrame) {
    Buffer b;
    const Setting s[] = {{1, 0}, {5, 32768}};
    write_settings(b, s);
    write_settings_ack(b);
    write_priority(b, 7, {5, false, 255});
    write_rst_stream(b, 7, h2::ErrorCode::refused_stream);
    write_ping(b, {'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'}, false);
    write_goaway(b, 7, h2::ErrorCode::protocol_error, h2::test::bytes("why"));
    write_window_update(b, 7, 0x7fffffff);
    write_priority_update(b, 7, "u=0");
    EXPECT_EQ(read_whole(b),
              (Strings{"SETTINGS ack=0 1=0 5=32768", "SETTINGS ack=1", "PRIORITY s=7 dep=5 ex=0 w=255",
                       "RST_STREAM s=7 REFUSED_STREAM", "PING ack=0 'abcdefgh'", "GOAWAY last=7 PROTOCOL_ERROR 'why'",
                       "WINDOW_UPDATE s=7 +2147483647", "PRIORITY_UPDATE s=7 'u=0'"}));
}

TEST(FrameWriter, WriteFrameReproducesEveryParsedFrame) {
    // parse -> write_frame gives back the same octets for unpadded frames.
    Buffer in;
    write_data(in, 1, h2::test::bytes("data"), true);
    write_headers(in, 3, h2::test::bytes("0123456789"), false, 16384);
    write_priority(in, 3, {1, true, 9});
    write_rst_stream(in, 3, h2::ErrorCode::cancel);
    const Setting s[] = {{4, 100}};
    write_settings(in, s);
    write_settings_ack(in);
    write_push_promise(in, 3, 4, h2::test::bytes("pp"), 16384);
    write_ping(in, {1, 1, 1, 1, 1, 1, 1, 1}, true);
    write_goaway(in, 3, h2::ErrorCode::no_error, {});
    write_window_update(in, 0, 5);
    write_raw_frame(in, 1, 0, 5, h2::test::bytes("x"));
    write_raw_frame(in, 9, flags::end_headers, 5, h2::test::bytes("y"));
    write_priority_update(in, 3, "u=7");
    write_raw_frame(in, 0x77, 0x3, 0, h2::test::bytes("??"));

    FrameReader reader;
    std::span<const std::uint8_t> rest(in);
    Buffer out;
    Frame f;
    h2::ProtocolError e;
    while (!rest.empty()) {
        ASSERT_EQ(reader.next(rest, f, e), FrameReader::Status::frame) << h2::test::describe(e);
        write_frame(out, f);
    }
    EXPECT_EQ(out, in);
}

TEST(FrameWriter, AppendsWithoutTouchingEarlierBytes) {
    Buffer b = {0xaa};
    write_settings_ack(b);
    EXPECT_EQ(b, hex("aa 000000 04 01 00000000"));
}
