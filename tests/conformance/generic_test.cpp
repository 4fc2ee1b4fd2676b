// h2spec "Generic tests for HTTP/2 server" (generic/1 .. generic/5).
#include "conformance.hpp"

namespace h2::test {
namespace {

using G = Conformance;
using frame::flags::end_headers;
using frame::flags::end_stream;

TEST_F(ConformanceNoHandshake, H2spec_generic_1_Case1_SendsAClientConnectionPreface) {
    s.handshake();
    s.send_headers(1);
    expect_response(1);
}

TEST_F(G, H2spec_generic_2_Case1_SendsAPriorityFrameOnIdleStream) {
    s.send_priority(1, {0, false, 255});
    s.send_headers(1);
    expect_response(1);
}

TEST_F(G, H2spec_generic_2_Case2_SendsAWindowUpdateOnHalfClosedRemoteStream) {
    s.auto_respond = false;
    s.send_headers(1);
    s.send_window_update(1, 100);
    EXPECT_TRUE(s.alive());
    if (s.engine_visible()) {
        EXPECT_EQ(s.conn.stream_state(1), stream::State::half_closed_remote);
    }
}

TEST_F(G, H2spec_generic_2_Case3_SendsAPriorityFrameOnHalfClosedRemoteStream) {
    s.auto_respond = false;
    s.send_headers(1);
    s.send_priority(1, {0, false, 15});
    EXPECT_TRUE(s.alive());
}

TEST_F(G, H2spec_generic_2_Case4_SendsARstStreamOnHalfClosedRemoteStream) {
    s.auto_respond = false;
    s.send_headers(1);
    s.send_rst(1, ErrorCode::cancel);
    if (s.engine_visible()) {
        EXPECT_EQ(s.conn.stream_state(1), stream::State::closed);
    }
    EXPECT_TRUE(s.alive());
}

TEST_F(G, H2spec_generic_2_Case5_SendsAPriorityFrameOnClosedStream) {
    s.send_headers(1);
    expect_response(1);
    s.send_priority(1, {0, false, 15});
    EXPECT_TRUE(s.alive());
}

TEST_F(G, H2spec_generic_3_1_Case1_SendsADataFrame) {
    s.send_headers(1, post_request(), false);
    s.send_data(1, "test", true);
    expect_response(1);
}

TEST_F(G, H2spec_generic_3_1_Case2_SendsMultipleDataFrames) {
    s.send_headers(1, post_request(), false);
    s.send_data(1, "test", false);
    s.send_data(1, "test", true);
    expect_response(1);
}

TEST_F(G, H2spec_generic_3_1_Case3_SendsADataFrameWithPadding) {
    s.send_headers(1, post_request(), false);
    s.send_data(1, "test", true, 8);
    expect_response(1);
}

TEST_F(G, H2spec_generic_3_2_Case1_SendsAHeadersFrame) {
    s.send_headers(1);
    expect_response(1);
}

TEST_F(G, H2spec_generic_3_2_Case2_SendsAHeadersFrameWithPadding) {
    const Bytes b = s.block(get_request());
    Bytes payload{4};
    payload.insert(payload.end(), b.begin(), b.end());
    payload.insert(payload.end(), 4, 0);
    s.send_raw(1, end_stream | end_headers | frame::flags::padded, 1, payload);
    expect_response(1);
}

TEST_F(G, H2spec_generic_3_2_Case3_SendsAHeadersFrameWithPriority) {
    const Bytes b = s.block(get_request());
    Bytes payload{0, 0, 0, 0, 255};
    payload.insert(payload.end(), b.begin(), b.end());
    s.send_raw(1, end_stream | end_headers | frame::flags::priority, 1, payload);
    expect_response(1);
}

TEST_F(G, H2spec_generic_3_3_Case1_SendsAPriorityFrameWithPriority1) {
    s.send_priority(1, {0, false, 0});
    s.send_headers(1);
    expect_response(1);
}

TEST_F(G, H2spec_generic_3_3_Case2_SendsAPriorityFrameWithPriority256) {
    s.send_priority(1, {0, false, 255});
    s.send_headers(1);
    expect_response(1);
}

TEST_F(G, H2spec_generic_3_3_Case3_SendsAPriorityFrameWithStreamDependency) {
    s.send_headers(1);
    s.send_priority(3, {1, false, 15});
    s.send_headers(3);
    expect_response(3);
}

TEST_F(G, H2spec_generic_3_3_Case4_SendsAPriorityFrameWithExclusive) {
    s.send_headers(1);
    s.send_priority(3, {1, true, 15});
    s.send_headers(3);
    expect_response(3);
}

TEST_F(G, H2spec_generic_3_3_Case5_SendsAPriorityFrameForAnIdleStreamThenAHeadersFrameForALowerId) {
    s.send_priority(5, {0, false, 15});
    s.send_headers(3);
    expect_response(3);
}

TEST_F(G, H2spec_generic_3_4_Case1_SendsARstStreamFrame) {
    s.auto_respond = false;
    s.send_headers(1, get_request(), false);
    s.send_rst(1, ErrorCode::cancel);
    EXPECT_TRUE(s.alive());
    if (!s.engine_visible()) return;
    ASSERT_EQ(s.events_of<StreamReset>().size(), 1u);
    EXPECT_EQ(s.events_of<StreamReset>()[0].initiator, Initiator::remote);
}

TEST_F(G, H2spec_generic_3_5_Case1_SendsASettingsFrame) {
    s.send_settings({{3, 100}});
    EXPECT_EQ(s.frames(), (std::vector<std::string>{"SETTINGS ack=1"}));
}

TEST_F(G, H2spec_generic_3_7_Case1_SendsAPingFrame) {
    s.send_ping({1, 2, 3, 4, 5, 6, 7, 8});
    EXPECT_EQ(s.frames(), (std::vector<std::string>{"PING ack=1 '\x01\x02\x03\x04\x05\x06\x07\x08'"}));
}

TEST_F(G, H2spec_generic_3_8_Case1_SendsAGoawayFrame) {
    frame::Buffer b;
    frame::write_goaway(b, 0, ErrorCode::no_error, {});
    s.send(b);
    expect_accepted_goaway();
}

TEST_F(G, H2spec_generic_3_9_Case1_SendsAWindowUpdateFrameWithStreamId0) {
    s.send_window_update(0, 1);
    EXPECT_TRUE(s.alive());
}

TEST_F(G, H2spec_generic_3_9_Case2_SendsAWindowUpdateFrameWithStreamId1) {
    s.auto_respond = false;
    s.send_headers(1, get_request(), false);
    s.send_window_update(1, 1);
    EXPECT_TRUE(s.alive());
}

TEST_F(G, H2spec_generic_3_10_Case1_SendsAContinuationFrame) {
    s.send_continued(1, 1);
    expect_response(1);
}

TEST_F(G, H2spec_generic_3_10_Case2_SendsMultipleContinuationFrames) {
    s.send_continued(1, 3);
    expect_response(1);
    if (!s.engine_visible()) return;
    ASSERT_EQ(s.log.headers.size(), 1u);
    EXPECT_EQ(s.log.headers[0].fields.size(), 4u + 3u);
    EXPECT_EQ(s.log.headers[0].get("x-dummy0"), std::string(4000, 'x'));
}

TEST_F(G, H2spec_generic_4_Case1_SendsAGetRequest) {
    s.send_headers(1);
    expect_response(1);
}

TEST_F(G, H2spec_generic_4_Case2_SendsAHeadRequest) {
    FieldList head = get_request();
    head[0].second = "HEAD";
    s.send_headers(1, head);
    expect_response(1);
}

TEST_F(G, H2spec_generic_4_Case3_SendsAPostRequest) {
    s.send_headers(1, post_request("4"), false);
    s.send_data(1, "test", true);
    expect_response(1);
}

TEST_F(G, H2spec_generic_4_Case4_SendsAPostRequestWithTrailers) {
    s.send_headers(1, post_request(), false);
    s.send_data(1, "test", false);
    s.send_headers(1, {{"x-trailer", "1"}}, true);
    expect_response(1);
    if (!s.engine_visible()) return;
    ASSERT_EQ(s.events_of<HeadersReceived>().size(), 2u);
    EXPECT_EQ(s.events_of<HeadersReceived>()[1].kind, HeadersKind::trailers);
}

// generic/5: the HPACK representations, each in a request that must succeed.
class GenericHpack : public Conformance {
protected:
    // A request whose :authority is sent with the given representation octets.
    void request_with(const Bytes& representation) {
        Bytes b{0x82, 0x86, 0x84};  // :method GET, :scheme http, :path /
        b.insert(b.end(), representation.begin(), representation.end());
        s.send_raw(1, end_stream | end_headers, 1, b);
        expect_response(1);
        if (!s.engine_visible()) return;
        const auto h = s.events_of<HeadersReceived>();
        ASSERT_EQ(h.size(), 1u);
    }
    static Bytes literal(std::uint8_t first, bool name_literal, bool huffman) {
        Bytes b{first};
        if (name_literal) {
            if (huffman) b.insert(b.end(), {0x88, 0x25, 0xa8, 0x49, 0xe9, 0x5b, 0xa9, 0x7d, 0x7f});  // custom-key
            else b.insert(b.end(), {0x0a, 'c', 'u', 's', 't', 'o', 'm', '-', 'k', 'e', 'y'});
        }
        if (huffman) b.insert(b.end(), {0x89, 0x25, 0xa8, 0x49, 0xe9, 0x5b, 0xb8, 0xe8, 0xb4, 0xbf});  // custom-value
        else b.insert(b.end(), {0x0c, 'c', 'u', 's', 't', 'o', 'm', '-', 'v', 'a', 'l', 'u', 'e'});
        return b;
    }
};

TEST_F(GenericHpack, H2spec_generic_5_Case1_SendsAnIndexedHeaderFieldRepresentation) {
    request_with({0x90});
}  // accept-encoding: gzip, deflate
TEST_F(GenericHpack, H2spec_generic_5_Case2_LiteralWithIncrementalIndexingIndexedName) {
    request_with(literal(0x41, false, false));
}
TEST_F(GenericHpack, H2spec_generic_5_Case3_LiteralWithIncrementalIndexingIndexedNameHuffman) {
    request_with(literal(0x41, false, true));
}
TEST_F(GenericHpack, H2spec_generic_5_Case4_LiteralWithIncrementalIndexingNewName) {
    request_with(literal(0x40, true, false));
}
TEST_F(GenericHpack, H2spec_generic_5_Case5_LiteralWithIncrementalIndexingNewNameHuffman) {
    request_with(literal(0x40, true, true));
}
TEST_F(GenericHpack, H2spec_generic_5_Case6_LiteralWithoutIndexingIndexedName) {
    request_with(literal(0x01, false, false));
}
TEST_F(GenericHpack, H2spec_generic_5_Case7_LiteralWithoutIndexingIndexedNameHuffman) {
    request_with(literal(0x01, false, true));
}
TEST_F(GenericHpack, H2spec_generic_5_Case8_LiteralWithoutIndexingNewName) { request_with(literal(0x00, true, false)); }
TEST_F(GenericHpack, H2spec_generic_5_Case9_LiteralWithoutIndexingNewNameHuffman) {
    request_with(literal(0x00, true, true));
}
TEST_F(GenericHpack, H2spec_generic_5_Case10_LiteralNeverIndexedIndexedName) {
    request_with(literal(0x11, false, false));
}
TEST_F(GenericHpack, H2spec_generic_5_Case11_LiteralNeverIndexedIndexedNameHuffman) {
    request_with(literal(0x11, false, true));
}
TEST_F(GenericHpack, H2spec_generic_5_Case12_LiteralNeverIndexedNewName) { request_with(literal(0x10, true, false)); }
TEST_F(GenericHpack, H2spec_generic_5_Case13_LiteralNeverIndexedNewNameHuffman) {
    request_with(literal(0x10, true, true));
}

TEST_F(G, H2spec_generic_5_Case14_SendsADynamicTableSizeUpdate) {
    Bytes b{0x3f, 0xe1, 0x1f, 0x82, 0x86, 0x84, 0x41, 0x09, 'l', 'o', 'c', 'a', 'l', 'h', 'o', 's', 't'};  // 4096
    s.send_raw(1, end_stream | end_headers, 1, b);
    expect_response(1);
}

TEST_F(G, H2spec_generic_5_Case15_SendsMultipleDynamicTableSizeUpdates) {
    Bytes b{0x20, 0x3f, 0xe1, 0x1f, 0x82, 0x86, 0x84, 0x41, 0x09, 'l', 'o', 'c', 'a', 'l', 'h', 'o', 's', 't'};
    s.send_raw(1, end_stream | end_headers, 1, b);
    expect_response(1);
}

}  // namespace
}  // namespace h2::test
