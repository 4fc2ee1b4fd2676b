// The frame reader: every rule of RFC 9113 §4 and §6 it enforces, and split invariance.
#include <gtest/gtest.h>

#include <random>

#include "describe.hpp"
#include "h2/frame/writer.hpp"

using namespace h2::frame;
using h2::test::hex;
using h2::test::read_whole;
using Strings = std::vector<std::string>;

namespace {

h2::test::Bytes raw(std::uint8_t type, std::uint8_t fl, h2::StreamId id, const h2::test::Bytes& payload) {
    Buffer b;
    write_raw_frame(b, type, fl, id, payload);
    return b;
}

std::string only(const h2::test::Bytes& b) {
    const Strings r = read_whole(b);
    return r.size() == 1 ? r[0] : "got " + std::to_string(r.size()) + " results";
}

}  // namespace

TEST(FrameReader, ReadsDataWithoutPadding) {
    EXPECT_EQ(only(raw(0, 1, 1, h2::test::bytes("hello"))), "DATA s=1 es=1 fcl=5 'hello'");
}

TEST(FrameReader, StripsDataPaddingButCountsItForFlowControl) {
    // Pad Length 3, "hi", 3 octets of padding.
    EXPECT_EQ(only(raw(0, flags::padded, 3, hex("03 6869 000000"))), "DATA s=3 es=0 fcl=6 'hi'");
}

TEST(FrameReader, DataPaddingAsLongAsThePayloadIsProtocolError) {
    // RFC 9113 §6.1: padding >= payload length.
    EXPECT_EQ(only(raw(0, flags::padded, 1, hex("03 0000"))),
              "CONNECTION 0 PROTOCOL_ERROR (padding longer than the frame payload)");
    EXPECT_EQ(only(raw(0, flags::padded, 1, hex("02 0000"))), "DATA s=1 es=0 fcl=3 ''");
}

TEST(FrameReader, PaddedFrameWithoutPadLengthIsFrameSizeError) {
    EXPECT_EQ(only(raw(0, flags::padded, 1, {})), "CONNECTION 0 FRAME_SIZE_ERROR (padded frame without Pad Length)");
}

TEST(FrameReader, DataOnStreamZeroIsProtocolError) {
    EXPECT_EQ(only(raw(0, 0, 0, hex("00"))), "CONNECTION 0 PROTOCOL_ERROR (DATA on stream 0)");
}

TEST(FrameReader, ReadsHeadersWithPriorityAndPadding) {
    const auto p = hex("02 80000003 0f 6162 0000");  // pad 2, exclusive dep 3, weight 15, "ab"
    EXPECT_EQ(only(raw(1, flags::padded | flags::priority | flags::end_headers, 5, p)),
              "HEADERS s=5 es=0 eh=1 dep=3 ex=1 w=15 'ab'");
}

TEST(FrameReader, HeadersPaddingLongerThanFragmentIsProtocolError) {
    EXPECT_EQ(only(raw(1, flags::padded | flags::end_headers, 1, hex("02 61"))),
              "CONNECTION 0 PROTOCOL_ERROR (padding longer than the frame payload)");
}

TEST(FrameReader, HeadersTooShortForPriorityIsFrameSizeError) {
    EXPECT_EQ(only(raw(1, flags::priority | flags::end_headers, 1, hex("00000003"))),
              "CONNECTION 0 FRAME_SIZE_ERROR (frame too short for its fields)");
}

TEST(FrameReader, HeadersOnStreamZeroIsProtocolError) {
    EXPECT_EQ(only(raw(1, flags::end_headers, 0, {})), "CONNECTION 0 PROTOCOL_ERROR (HEADERS on stream 0)");
}

TEST(FrameReader, PriorityOfWrongLengthIsStreamErrorAndReadingGoesOn) {
    Buffer b = raw(2, 0, 3, hex("0000000110"));
    const auto bad = raw(2, 0, 5, hex("00000001"));
    b.insert(b.end(), bad.begin(), bad.end());
    write_ping(b, {1, 2, 3, 4, 5, 6, 7, 8}, false);
    EXPECT_EQ(read_whole(b),
              (Strings{"PRIORITY s=3 dep=1 ex=0 w=16", "STREAM 5 FRAME_SIZE_ERROR (PRIORITY length is not 5)",
                       "PING ack=0 '\x01\x02\x03\x04\x05\x06\x07\x08'"}));
}

TEST(FrameReader, PriorityOnStreamZeroIsProtocolError) {
    EXPECT_EQ(only(raw(2, 0, 0, hex("0000000110"))), "CONNECTION 0 PROTOCOL_ERROR (PRIORITY on stream 0)");
}

TEST(FrameReader, RstStreamMustBeFourOctetsOnAStream) {
    EXPECT_EQ(only(raw(3, 0, 1, hex("00000008"))), "RST_STREAM s=1 CANCEL");
    EXPECT_EQ(only(raw(3, 0, 1, hex("000008"))), "CONNECTION 0 FRAME_SIZE_ERROR (RST_STREAM length is not 4)");
    EXPECT_EQ(only(raw(3, 0, 0, hex("00000008"))), "CONNECTION 0 PROTOCOL_ERROR (RST_STREAM on stream 0)");
}

TEST(FrameReader, ReadsSettingsAndKeepsUnknownIdentifiers) {
    EXPECT_EQ(only(raw(4, 0, 0, hex("0003 00000064 00aa 00000007"))), "SETTINGS ack=0 3=100 170=7");
}

TEST(FrameReader, SettingsFramingErrorsAreConnectionErrors) {
    EXPECT_EQ(only(raw(4, flags::ack, 0, hex("0003 00000064"))),
              "CONNECTION 0 FRAME_SIZE_ERROR (SETTINGS ACK with a payload)");
    EXPECT_EQ(only(raw(4, 0, 0, hex("0003 000000"))),
              "CONNECTION 0 FRAME_SIZE_ERROR (SETTINGS length is not a multiple of 6)");
    EXPECT_EQ(only(raw(4, 0, 1, {})), "CONNECTION 0 PROTOCOL_ERROR (SETTINGS on a stream)");
}

TEST(FrameReader, SettingsValuesAreValidated) {
    EXPECT_EQ(only(raw(4, 0, 0, hex("0002 00000002"))),
              "CONNECTION 0 PROTOCOL_ERROR (SETTINGS_ENABLE_PUSH must be 0 or 1)");
    EXPECT_EQ(only(raw(4, 0, 0, hex("0004 80000000"))),
              "CONNECTION 0 FLOW_CONTROL_ERROR (SETTINGS_INITIAL_WINDOW_SIZE above 2^31-1)");
}

TEST(FrameReader, ReadsPushPromise) {
    EXPECT_EQ(only(raw(5, flags::end_headers, 1, hex("80000002 6162"))), "PUSH_PROMISE s=1 p=2 eh=1 'ab'");
    EXPECT_EQ(only(raw(5, flags::end_headers | flags::padded, 1, hex("01 00000002 61 00"))),
              "PUSH_PROMISE s=1 p=2 eh=1 'a'");
    EXPECT_EQ(only(raw(5, flags::end_headers, 1, hex("000002"))),
              "CONNECTION 0 FRAME_SIZE_ERROR (frame too short for its fields)");
}

TEST(FrameReader, PingMustBeEightOctetsOnStreamZero) {
    EXPECT_EQ(only(raw(6, flags::ack, 0, h2::test::bytes("12345678"))), "PING ack=1 '12345678'");
    EXPECT_EQ(only(raw(6, 0, 0, h2::test::bytes("1234567"))), "CONNECTION 0 FRAME_SIZE_ERROR (PING length is not 8)");
    EXPECT_EQ(only(raw(6, 0, 1, h2::test::bytes("12345678"))), "CONNECTION 0 PROTOCOL_ERROR (PING on a stream)");
}

TEST(FrameReader, GoawayCarriesDebugData) {
    EXPECT_EQ(only(raw(7, 0, 0, hex("00000005 0000000b 6361 6c6d"))), "GOAWAY last=5 ENHANCE_YOUR_CALM 'calm'");
    EXPECT_EQ(only(raw(7, 0, 0, hex("00000005 0000"))), "CONNECTION 0 FRAME_SIZE_ERROR (GOAWAY shorter than 8 octets)");
    EXPECT_EQ(only(raw(7, 0, 3, hex("00000005 00000000"))), "CONNECTION 0 PROTOCOL_ERROR (GOAWAY on a stream)");
}

TEST(FrameReader, WindowUpdateIncrementOfZeroHasTheStreamsScope) {
    EXPECT_EQ(only(raw(8, 0, 1, hex("00000400"))), "WINDOW_UPDATE s=1 +1024");
    EXPECT_EQ(only(raw(8, 0, 1, hex("00000000"))), "STREAM 1 PROTOCOL_ERROR (WINDOW_UPDATE increment of 0)");
    EXPECT_EQ(only(raw(8, 0, 0, hex("00000000"))), "CONNECTION 0 PROTOCOL_ERROR (WINDOW_UPDATE increment of 0)");
    EXPECT_EQ(only(raw(8, 0, 0, hex("000001"))), "CONNECTION 0 FRAME_SIZE_ERROR (WINDOW_UPDATE length is not 4)");
}

TEST(FrameReader, WindowUpdateIgnoresTheReservedBit) {
    EXPECT_EQ(only(raw(8, 0, 0, hex("80000001"))), "WINDOW_UPDATE s=0 +1");
}

TEST(FrameReader, HeaderBlockMayOnlyBeFollowedByItsContinuations) {
    Buffer b = raw(1, 0, 1, h2::test::bytes("a"));
    auto c = raw(9, 0, 1, h2::test::bytes("b"));
    b.insert(b.end(), c.begin(), c.end());
    c = raw(9, flags::end_headers, 1, h2::test::bytes("c"));
    b.insert(b.end(), c.begin(), c.end());
    EXPECT_EQ(read_whole(b),
              (Strings{"HEADERS s=1 es=0 eh=0 'a'", "CONTINUATION s=1 eh=0 'b'", "CONTINUATION s=1 eh=1 'c'"}));
}

TEST(FrameReader, OtherFrameInsideHeaderBlockIsProtocolError) {
    // RFC 9113 §6.10; checked from the frame header, before the payload is buffered.
    Buffer b = raw(1, 0, 1, h2::test::bytes("a"));
    write_data(b, 1, h2::test::bytes("x"), false);
    EXPECT_EQ(read_whole(b), (Strings{"HEADERS s=1 es=0 eh=0 'a'",
                                      "CONNECTION 0 PROTOCOL_ERROR (expected CONTINUATION inside a header block)"}));
}

TEST(FrameReader, ContinuationOfAnotherStreamIsProtocolError) {
    Buffer b = raw(5, 0, 1, hex("00000002"));
    const auto c = raw(9, flags::end_headers, 3, {});
    b.insert(b.end(), c.begin(), c.end());
    EXPECT_EQ(read_whole(b).back(), "CONNECTION 0 PROTOCOL_ERROR (CONTINUATION on a different stream)");
}

TEST(FrameReader, ContinuationWithoutHeaderBlockIsProtocolError) {
    EXPECT_EQ(only(raw(9, flags::end_headers, 1, {})),
              "CONNECTION 0 PROTOCOL_ERROR (CONTINUATION without an open header block)");
}

TEST(FrameReader, UnknownFrameInsideHeaderBlockIsProtocolError) {
    Buffer b = raw(1, 0, 1, {});
    const auto u = raw(0x42, 0, 0, {});
    b.insert(b.end(), u.begin(), u.end());
    EXPECT_EQ(read_whole(b).back(), "CONNECTION 0 PROTOCOL_ERROR (expected CONTINUATION inside a header block)");
}

TEST(FrameReader, ReportsTheOpenHeaderBlock) {
    FrameReader reader;
    const Buffer b = raw(1, 0, 7, {});
    std::span<const std::uint8_t> in(b);
    Frame f;
    h2::ProtocolError e;
    ASSERT_EQ(reader.next(in, f, e), FrameReader::Status::frame);
    EXPECT_EQ(reader.open_header_block(), 7u);
}

TEST(FrameReader, UnknownFrameTypesAreExposedNotErrors) {
    EXPECT_EQ(only(raw(0xfa, 0x5, 9, h2::test::bytes("xyz"))), "UNKNOWN type=250 flags=5 s=9 'xyz'");
}

TEST(FrameReader, UnknownFlagsAreIgnored) {
    EXPECT_EQ(only(raw(6, 0xfe, 0, h2::test::bytes("12345678"))), "PING ack=0 '12345678'");
}

TEST(FrameReader, ReadsPriorityUpdate) {
    EXPECT_EQ(only(raw(0x10, 0, 0, hex("00000005 753d32"))), "PRIORITY_UPDATE s=5 'u=2'");
    EXPECT_EQ(only(raw(0x10, 0, 1, hex("00000005"))), "CONNECTION 0 PROTOCOL_ERROR (PRIORITY_UPDATE on a stream)");
    EXPECT_EQ(only(raw(0x10, 0, 0, hex("00000000"))), "CONNECTION 0 PROTOCOL_ERROR (PRIORITY_UPDATE for stream 0)");
    EXPECT_EQ(only(raw(0x10, 0, 0, hex("000000"))),
              "CONNECTION 0 FRAME_SIZE_ERROR (PRIORITY_UPDATE shorter than 4 octets)");
}

TEST(FrameReader, FrameAboveMaxFrameSizeIsRefusedFromItsHeader) {
    // Only the 9 header octets are needed: nothing of the 16 KiB + 1 payload is buffered.
    const auto header = hex("004001 00 00 00000001");
    FrameReader reader;
    std::span<const std::uint8_t> in(header);
    Frame f;
    h2::ProtocolError e;
    ASSERT_EQ(reader.next(in, f, e), FrameReader::Status::error);
    EXPECT_EQ(e.code, h2::ErrorCode::frame_size_error);
    EXPECT_EQ(e.scope, h2::ErrorScope::connection);
    EXPECT_LE(reader.buffered(), 9u);
}

TEST(FrameReader, FrameOfExactlyMaxFrameSizeIsAccepted) {
    Buffer b;
    write_data(b, 1, h2::test::Bytes(16384, 'x'), false);
    EXPECT_EQ(read_whole(b).size(), 1u);
    EXPECT_EQ(read_whole(b).front().substr(0, 26), "DATA s=1 es=0 fcl=16384 'x");
}

TEST(FrameReader, RaisedMaxFrameSizeAppliesToFollowingFrames) {
    Buffer b;
    write_data(b, 1, h2::test::Bytes(20000, 'x'), false);
    EXPECT_EQ(read_whole(b, 16384).front().substr(0, 27), "CONNECTION 0 FRAME_SIZE_ERR");
    EXPECT_EQ(read_whole(b, 20000).front().substr(0, 23), "DATA s=1 es=0 fcl=20000");
}

TEST(FrameReader, AfterConnectionErrorEveryCallReturnsTheSameError) {
    FrameReader reader;
    const auto b = raw(6, 0, 1, h2::test::bytes("12345678"));
    std::span<const std::uint8_t> in(b);
    Frame f;
    h2::ProtocolError e1, e2;
    ASSERT_EQ(reader.next(in, f, e1), FrameReader::Status::error);
    Buffer good;
    write_settings_ack(good);
    std::span<const std::uint8_t> in2(good);
    ASSERT_EQ(reader.next(in2, f, e2), FrameReader::Status::error);
    EXPECT_EQ(e1, e2);
}

TEST(FrameReader, PayloadOfWholeFrameIsAViewIntoTheInput) {
    Buffer b;
    write_data(b, 1, h2::test::bytes("zero-copy"), false);
    FrameReader reader;
    std::span<const std::uint8_t> in(b);
    Frame f;
    h2::ProtocolError e;
    ASSERT_EQ(reader.next(in, f, e), FrameReader::Status::frame);
    EXPECT_EQ(std::get<DataFrame>(f).data.data(), b.data() + 9);
    EXPECT_EQ(reader.buffered(), 0u);
}

TEST(FrameReader, EmptyInputNeedsMore) {
    FrameReader reader;
    std::span<const std::uint8_t> in;
    Frame f;
    h2::ProtocolError e;
    EXPECT_EQ(reader.next(in, f, e), FrameReader::Status::need_more);
}

// A conversation with every frame type, good and bad frames mixed.
h2::test::Bytes conversation() {
    Buffer b;
    const Setting s[] = {{3, 100}, {4, 1 << 20}, {0x99, 1}};
    write_settings(b, s);
    write_settings_ack(b);
    write_headers(b, 1, h2::test::Bytes(40000, 'h'), false, 16384);
    write_data(b, 1, h2::test::bytes("body"), false, 7);
    write_data(b, 1, h2::test::Bytes(16384, 'd'), true);
    write_raw_frame(b, 2, 0, 3, hex("00000001"));  // stream error
    write_priority(b, 3, {1, true, 200});
    const PrioritySpec prio{0, false, 42};
    write_headers(b, 3, h2::test::bytes("hdr"), true, 16384, &prio);
    write_push_promise(b, 3, 2, h2::test::Bytes(20000, 'p'), 16384);
    write_ping(b, {8, 7, 6, 5, 4, 3, 2, 1}, true);
    write_window_update(b, 0, 1000);
    write_raw_frame(b, 8, 0, 7, hex("00000000"));  // stream error
    write_rst_stream(b, 3, h2::ErrorCode::cancel);
    write_priority_update(b, 3, "u=1, i");
    write_raw_frame(b, 0xbb, 0xff, 11, h2::test::bytes("ext"));
    write_goaway(b, 3, h2::ErrorCode::no_error, h2::test::bytes("bye"));
    write_raw_frame(b, 6, 0, 0, h2::test::bytes("short"));  // connection error: ends it
    write_ping(b, {}, false);                               // never read
    return b;
}

TEST(FrameReader, ConversationReadsToItsFirstConnectionError) {
    const auto r = read_whole(conversation());
    ASSERT_EQ(r.size(), 20u);
    EXPECT_EQ(r[0], "SETTINGS ack=0 3=100 4=1048576 153=1");
    EXPECT_EQ(r.back(), "CONNECTION 0 FRAME_SIZE_ERROR (PING length is not 8)");
}

TEST(FrameReader, SameResultsWhenFedOneOctetAtATime) {
    const auto input = conversation();
    EXPECT_EQ(h2::test::read_all(input, {1}), read_whole(input));
}

TEST(FrameReader, SameResultsForRandomSplits) {
    const auto input = conversation();
    const auto want = read_whole(input);
    std::mt19937 rng(20261121);
    for (int round = 0; round < 200; ++round) {
        std::vector<std::size_t> chunks;
        std::uniform_int_distribution<std::size_t> size(1, round % 2 ? 20 : 20000);
        for (std::size_t total = 0; total < input.size();) {
            chunks.push_back(size(rng));
            total += chunks.back();
        }
        ASSERT_EQ(h2::test::read_all(input, chunks), want) << "round " << round;
    }
}

TEST(FrameReader, IncompleteFrameStaysBuffered) {
    Buffer b;
    write_data(b, 1, h2::test::bytes("abcdef"), false);
    b.pop_back();
    EXPECT_EQ(h2::test::read_all(b, {4}), (Strings{"INCOMPLETE 14"}));
}
