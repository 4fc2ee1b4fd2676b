// h2spec "Hypertext Transfer Protocol Version 2": section 6 (frame definitions).
#include "conformance.hpp"

namespace h2::test {
namespace {

using C = Conformance;
using frame::flags::end_headers;
using frame::flags::end_stream;
using frame::flags::padded;

TEST_F(C, H2spec_http2_6_1_Case1_SendsADataFrameWithStreamId0) {
    s.send_data(0, "test", true);
    expect_connection_error("PROTOCOL_ERROR");
}

TEST_F(C, H2spec_http2_6_1_Case2_SendsADataFrameOnAStreamNotOpenOrHalfClosedLocal) {
    s.auto_respond = false;
    s.send_headers(1);
    s.send_data(1, "test", true);
    expect_stream_error(1, "STREAM_CLOSED");
}

TEST_F(C, H2spec_http2_6_1_Case3_SendsADataFrameWithInvalidPadLength) {
    s.send_headers(1, post_request(), false);
    s.send_raw(0, end_stream | padded, 1, {6, 't', 'e', 's', 't', 0});
    expect_connection_error("PROTOCOL_ERROR");
}

TEST_F(C, H2spec_http2_6_2_Case1_SendsAHeadersFrameWithoutEndHeadersAndAPriorityFrame) {
    s.send(s.headers(1, get_request(), true, false));
    s.send_priority(1, {0, false, 15});
    expect_connection_error("PROTOCOL_ERROR");
}

TEST_F(C, H2spec_http2_6_2_Case2_SendsAHeadersFrameToAnotherStreamWhileSendingAHeadersFrame) {
    s.send(s.headers(1, get_request(), true, false));
    s.send_headers(3);
    expect_connection_error("PROTOCOL_ERROR");
}

TEST_F(C, H2spec_http2_6_2_Case3_SendsAHeadersFrameWithStreamId0) {
    s.send_headers(0);
    expect_connection_error("PROTOCOL_ERROR");
}

TEST_F(C, H2spec_http2_6_2_Case4_SendsAHeadersFrameWithInvalidPadLength) {
    const Bytes b = s.block(get_request());
    Bytes payload{static_cast<std::uint8_t>(b.size() + 1)};
    payload.insert(payload.end(), b.begin(), b.end());
    s.send_raw(1, end_stream | end_headers | padded, 1, payload);
    expect_connection_error("PROTOCOL_ERROR");
}

TEST_F(C, H2spec_http2_6_3_Case1_SendsAPriorityFrameWithStreamId0) {
    s.send_priority(0, {1, false, 15});
    expect_connection_error("PROTOCOL_ERROR");
}

TEST_F(C, H2spec_http2_6_3_Case2_SendsAPriorityFrameWithALengthOtherThan5) {
    s.auto_respond = false;
    s.send_headers(1);
    s.send_raw(2, 0, 1, {0x80, 0, 0, 1});
    expect_stream_error(1, "FRAME_SIZE_ERROR");
}

TEST_F(C, H2spec_http2_6_4_Case1_SendsARstStreamFrameWithStreamId0) {
    s.send_rst(0, ErrorCode::cancel);
    expect_connection_error("PROTOCOL_ERROR");
}

TEST_F(C, H2spec_http2_6_4_Case2_SendsARstStreamFrameOnAnIdleStream) {
    s.send_rst(1, ErrorCode::cancel);
    expect_connection_error("PROTOCOL_ERROR");
}

TEST_F(C, H2spec_http2_6_4_Case3_SendsARstStreamFrameWithALengthOtherThan4) {
    s.auto_respond = false;
    s.send_headers(1);
    s.send_raw(3, 0, 1, {0, 0, 0, 8, 0});
    expect_connection_error("FRAME_SIZE_ERROR");
}

TEST_F(C, H2spec_http2_6_5_Case1_SendsASettingsFrameWithAckAndPayload) {
    s.send_raw(4, 1, 0, {0, 3, 0, 0, 0, 100});
    expect_connection_error("FRAME_SIZE_ERROR");
}

TEST_F(C, H2spec_http2_6_5_Case2_SendsASettingsFrameWithAStreamIdOtherThan0) {
    s.send_raw(4, 0, 1, {0, 3, 0, 0, 0, 100});
    expect_connection_error("PROTOCOL_ERROR");
}

TEST_F(C, H2spec_http2_6_5_Case3_SendsASettingsFrameWithALengthOtherThanAMultipleOf6) {
    s.send_raw(4, 0, 0, {0, 3, 0, 0, 0});
    expect_connection_error("FRAME_SIZE_ERROR");
}

TEST_F(C, H2spec_http2_6_5_2_Case1_EnablePushWithAValueOtherThan0Or1) {
    s.send_settings({{2, 2}});
    expect_connection_error("PROTOCOL_ERROR");
}

TEST_F(C, H2spec_http2_6_5_2_Case2_InitialWindowSizeAboveTheMaximum) {
    s.send_settings({{4, 0x80000000u}});
    expect_connection_error("FLOW_CONTROL_ERROR");
}

TEST_F(C, H2spec_http2_6_5_2_Case3_MaxFrameSizeBelowTheInitialValue) {
    s.send_settings({{5, 16383}});
    expect_connection_error("PROTOCOL_ERROR");
}

TEST_F(C, H2spec_http2_6_5_2_Case4_MaxFrameSizeAboveTheMaximum) {
    s.send_settings({{5, 16777216}});
    expect_connection_error("PROTOCOL_ERROR");
}

TEST_F(C, H2spec_http2_6_5_2_Case5_SendsASettingsFrameWithUnknownIdentifier) {
    s.send_settings({{0xff, 1}});
    EXPECT_EQ(s.frames(), (std::vector<std::string>{"SETTINGS ack=1"}));
}

TEST_F(C, H2spec_http2_6_5_3_Case1_SendsMultipleValuesOfInitialWindowSize) {
    // The last value counts: a window of 1 lets the 2-octet body out one octet at a time.
    s.send_settings({{4, 100}, {4, 1}});
    s.frames();
    s.send_headers(1);
    const auto f = s.frames();
    EXPECT_NE(find_frame(f, "DATA s=1 es=0 fcl=1 'o'"), "") << testing::PrintToString(f);
    EXPECT_EQ(find_frame(f, "DATA s=1 es=1"), "");
}

TEST_F(C, H2spec_http2_6_5_3_Case2_SendsASettingsFrameWithoutAck) {
    s.send_settings({{3, 10}});
    EXPECT_EQ(s.frames(), (std::vector<std::string>{"SETTINGS ack=1"}));
}

TEST_F(C, H2spec_http2_6_7_Case1_SendsAPingFrame) {
    s.send_ping({'h', '2', 's', 'p', 'e', 'c', 0, 0});
    EXPECT_EQ(s.frames(), (std::vector<std::string>{std::string("PING ack=1 'h2spec\0\0'", 21)}));
}

TEST_F(C, H2spec_http2_6_7_Case2_SendsAPingFrameWithAck) {
    s.send_ping({'i', 'n', 'v', 'a', 'l', 'i', 'd', '!'}, true);
    EXPECT_TRUE(s.frames().empty());  // not answered
    EXPECT_TRUE(s.alive());
}

TEST_F(C, H2spec_http2_6_7_Case3_SendsAPingFrameWithAStreamIdOtherThan0) {
    s.send_raw(6, 0, 1, Bytes(8, 0));
    expect_connection_error("PROTOCOL_ERROR");
}

TEST_F(C, H2spec_http2_6_7_Case4_SendsAPingFrameWithALengthOtherThan8) {
    s.send_raw(6, 0, 0, Bytes(6, 0));
    expect_connection_error("FRAME_SIZE_ERROR");
}

TEST_F(C, H2spec_http2_6_8_Case1_SendsAGoawayFrameWithAStreamIdOtherThan0) {
    s.send_raw(7, 0, 1, Bytes(8, 0));
    expect_connection_error("PROTOCOL_ERROR");
}

TEST_F(C, H2spec_http2_6_9_Case1_SendsAWindowUpdateFrameWithAnIncrementOf0) {
    s.send_window_update(0, 0);
    expect_connection_error("PROTOCOL_ERROR");
}

TEST_F(C, H2spec_http2_6_9_Case2_SendsAWindowUpdateFrameWithAnIncrementOf0OnAStream) {
    s.auto_respond = false;
    s.send_headers(1);
    s.send_window_update(1, 0);
    expect_stream_error(1, "PROTOCOL_ERROR");
}

TEST_F(C, H2spec_http2_6_9_Case3_SendsAWindowUpdateFrameWithALengthOtherThan4) {
    s.send_raw(8, 0, 0, {0, 0, 0, 1, 0});
    expect_connection_error("FRAME_SIZE_ERROR");
}

TEST_F(C, H2spec_http2_6_9_1_Case1_InitialWindowSizeOf1ThenHeaders) {
    s.send_settings({{4, 1}});
    s.frames();
    s.send_headers(1);
    const auto f = s.frames();
    EXPECT_NE(find_frame(f, "DATA s=1 es=0 fcl=1 'o'"), "") << testing::PrintToString(f);
}

TEST_F(C, H2spec_http2_6_9_1_Case2_WindowUpdatesTakeTheConnectionWindowAbove2To31Minus1) {
    s.send_window_update(0, 0x7fffffff);
    s.send_window_update(0, 0x7fffffff);
    expect_connection_error("FLOW_CONTROL_ERROR");
}

TEST_F(C, H2spec_http2_6_9_1_Case3_WindowUpdatesTakeAStreamWindowAbove2To31Minus1) {
    s.auto_respond = false;
    s.send_headers(1, get_request(), false);  // as h2spec: the stream stays open on our side
    s.send_window_update(1, 0x7fffffff);
    s.send_window_update(1, 0x7fffffff);
    expect_stream_error(1, "FLOW_CONTROL_ERROR");
}

TEST_F(C, H2spec_http2_6_9_2_Case1_ChangesInitialWindowSizeAfterSendingHeaders) {
    s.send_settings({{4, 0}});
    s.frames();
    s.send_headers(1);
    EXPECT_EQ(find_frame(s.frames(), "DATA"), "");  // window 0: nothing
    s.send_settings({{4, 2}});
    const auto f = s.frames();
    EXPECT_NE(find_frame(f, "DATA s=1 es=1 fcl=2 'ok'"), "") << testing::PrintToString(f);
}

TEST_F(C, H2spec_http2_6_9_2_Case2_SendsASettingsFrameForWindowSizeToBeNegative) {
    s.auto_respond = false;
    s.send_settings({{4, 3}});
    s.frames();
    if (s.engine_visible()) {
        s.send_headers(1);
        const hpack::HeaderField resp[] = {{":status", "200"}};
        ASSERT_EQ(s.conn.submit_response(1, resp, false), SubmitError::none);
        ASSERT_EQ(s.conn.submit_data(1, h2::test::bytes("12345"), true).value, 5u);
    } else {
        FieldList get = get_request();
        get[2].second = "/12345.txt";  // h2serve's docroot has it (tests/interop/interop.py)
        s.send_headers(1, get);
    }
    EXPECT_NE(find_frame(s.frames(), "DATA s=1 es=0 fcl=3 '123'"), "");
    s.send_settings({{4, 1}});  // window 0 - 2 = -2
    if (s.engine_visible()) {
        EXPECT_EQ(s.conn.stream_send_window(1), -2);
    }
    s.send_window_update(1, 3);  // -2 + 3 = 1
    EXPECT_NE(find_frame(s.frames(), "DATA s=1 es=0 fcl=1 '4'"), "");
}

TEST_F(C, H2spec_http2_6_9_2_Case3_SendsAnInitialWindowSizeAboveTheMaximum) {
    s.send_settings({{4, 0x80000000u}});
    expect_connection_error("FLOW_CONTROL_ERROR");
}

TEST_F(C, H2spec_http2_6_10_Case1_SendsMultipleContinuationFramesPrecededByAHeadersFrame) {
    s.send_continued(1, 2);
    expect_response(1);
}

TEST_F(C, H2spec_http2_6_10_Case2_SendsAContinuationFrameFollowedByAnyFrameOtherThanContinuation) {
    s.send_continued(1, 1, true, false);
    s.send_data(1, "test", true);
    expect_connection_error("PROTOCOL_ERROR");
}

TEST_F(C, H2spec_http2_6_10_Case3_SendsAContinuationFrameWithStreamId0) {
    const Bytes b = s.block(get_request());
    s.send_raw(1, end_stream, 1, Bytes(b.begin(), b.begin() + 1));
    s.send_raw(9, end_headers, 0, Bytes(b.begin() + 1, b.end()));
    expect_connection_error("PROTOCOL_ERROR");
}

TEST_F(C, H2spec_http2_6_10_Case4_SendsAContinuationFramePrecededByAHeadersFrameWithEndHeaders) {
    s.auto_respond = false;
    s.send_headers(1);
    s.send_raw(9, end_headers, 1, s.block(get_request()));
    expect_connection_error("PROTOCOL_ERROR");
}

TEST_F(C, H2spec_http2_6_10_Case5_SendsAContinuationFramePrecededByAContinuationFrameWithEndHeaders) {
    const Bytes b = s.block(get_request());
    s.send_raw(1, end_stream, 1, Bytes(b.begin(), b.begin() + 1));
    s.send_raw(9, end_headers, 1, Bytes(b.begin() + 1, b.end()));
    s.send_raw(9, end_headers, 1, Bytes(b.begin() + 1, b.end()));
    expect_connection_error("PROTOCOL_ERROR");
}

TEST_F(C, H2spec_http2_6_10_Case6_SendsAContinuationFramePrecededByADataFrame) {
    s.auto_respond = false;
    s.send_headers(1, post_request(), false);
    s.send_data(1, "test", false);
    s.send_raw(9, end_headers, 1, s.block(get_request()));
    expect_connection_error("PROTOCOL_ERROR");
}

}  // namespace
}  // namespace h2::test
