// h2spec "Hypertext Transfer Protocol Version 2" sections 7 and 8, and "HPACK".
#include "conformance.hpp"

namespace h2::test {
namespace {

using C = Conformance;
using frame::flags::end_headers;
using frame::flags::end_stream;

TEST_F(C, H2spec_http2_7_Case1_SendsAGoawayFrameWithUnknownErrorCode) {
    s.send_raw(7, 0, 0, {0, 0, 0, 0, 0, 0, 0xff, 0xff});
    expect_accepted_goaway();
}

TEST_F(C, H2spec_http2_7_Case2_SendsARstStreamFrameWithUnknownErrorCode) {
    s.auto_respond = false;
    s.send_headers(1);
    s.send_raw(3, 0, 1, {0, 0, 0xff, 0xff});
    EXPECT_TRUE(s.alive());
}

TEST_F(C, H2spec_http2_8_1_Case1_SendsASecondHeadersFrameWithoutEndStream) {
    s.send_headers(1, post_request(), false);
    s.send_data(1, "test", false);
    s.send_headers(1, {{"x-trailer", "1"}}, false);
    expect_stream_error(1, "PROTOCOL_ERROR");
}

// Each malformed request must be reset with PROTOCOL_ERROR (RFC 9113 §8.1.1) and must never
// reach the application.
class Malformed : public Conformance {
protected:
    void expect_malformed(const FieldList& fields) {
        s.send(s.headers(1, fields, true));
        expect_stream_error(1, "PROTOCOL_ERROR");
        if (s.engine_visible()) {
            EXPECT_TRUE(s.events_of<HeadersReceived>().empty());
        }
    }
    static FieldList with(FieldList f, std::string n, std::string v) {
        f.emplace_back(std::move(n), std::move(v));
        return f;
    }
};

TEST_F(Malformed, H2spec_http2_8_1_2_Case1_HeaderFieldNameInUppercase) {
    expect_malformed(with(get_request(), "X-TEST", "ok"));
}

TEST_F(Malformed, H2spec_http2_8_1_2_1_Case1_UnknownPseudoHeaderField) {
    expect_malformed(with(get_request(), ":test", "ok"));
}

TEST_F(Malformed, H2spec_http2_8_1_2_1_Case2_PseudoHeaderFieldDefinedForResponse) {
    expect_malformed(with(get_request(), ":status", "200"));
}

TEST_F(C, H2spec_http2_8_1_2_1_Case3_PseudoHeaderFieldAsTrailers) {
    s.send_headers(1, post_request(), false);
    s.send_data(1, "test", false);
    s.send_headers(1, {{":method", "POST"}}, true);
    expect_stream_error(1, "PROTOCOL_ERROR");
}

TEST_F(Malformed, H2spec_http2_8_1_2_1_Case4_PseudoHeaderAfterARegularField) {
    FieldList f{{":method", "GET"}, {":scheme", "http"}, {"x-test", "ok"}, {":path", "/"}};
    expect_malformed(f);
}

TEST_F(Malformed, H2spec_http2_8_1_2_2_Case1_ConnectionSpecificHeaderField) {
    expect_malformed(with(get_request(), "connection", "keep-alive"));
}

TEST_F(Malformed, H2spec_http2_8_1_2_2_Case2_TeHeaderFieldOtherThanTrailers) {
    expect_malformed(with(get_request(), "te", "trailers, deflate"));
}

TEST_F(Malformed, H2spec_http2_8_1_2_3_Case1_EmptyPathPseudoHeaderField) {
    expect_malformed({{":method", "GET"}, {":scheme", "http"}, {":path", ""}, {":authority", "localhost"}});
}

TEST_F(Malformed, H2spec_http2_8_1_2_3_Case2_OmitsMethodPseudoHeaderField) {
    expect_malformed({{":scheme", "http"}, {":path", "/"}, {":authority", "localhost"}});
}

TEST_F(Malformed, H2spec_http2_8_1_2_3_Case3_OmitsSchemePseudoHeaderField) {
    expect_malformed({{":method", "GET"}, {":path", "/"}, {":authority", "localhost"}});
}

TEST_F(Malformed, H2spec_http2_8_1_2_3_Case4_OmitsPathPseudoHeaderField) {
    expect_malformed({{":method", "GET"}, {":scheme", "http"}, {":authority", "localhost"}});
}

TEST_F(Malformed, H2spec_http2_8_1_2_3_Case5_DuplicatedMethodPseudoHeaderField) {
    expect_malformed({{":method", "GET"}, {":method", "GET"}, {":scheme", "http"}, {":path", "/"}});
}

TEST_F(Malformed, H2spec_http2_8_1_2_3_Case6_DuplicatedSchemePseudoHeaderField) {
    expect_malformed({{":method", "GET"}, {":scheme", "http"}, {":scheme", "http"}, {":path", "/"}});
}

TEST_F(Malformed, H2spec_http2_8_1_2_3_Case7_DuplicatedPathPseudoHeaderField) {
    expect_malformed({{":method", "GET"}, {":scheme", "http"}, {":path", "/"}, {":path", "/"}});
}

TEST_F(C, H2spec_http2_8_1_2_6_Case1_ContentLengthNotEqualToTheDataPayload) {
    s.send_headers(1, post_request("1"), false);
    s.send_data(1, "test", true);
    expect_stream_error(1, "PROTOCOL_ERROR");
}

TEST_F(C, H2spec_http2_8_1_2_6_Case2_ContentLengthNotEqualToTheSumOfTheDataPayloads) {
    s.send_headers(1, post_request("1"), false);
    s.send_data(1, "test", false);
    s.send_data(1, "test", true);
    expect_stream_error(1, "PROTOCOL_ERROR");
}

TEST_F(C, H2spec_http2_8_2_Case1_SendsAPushPromiseFrame) {
    // A client must not push: PUSH_PROMISE to a server is a connection error.
    s.auto_respond = false;
    s.send_headers(1);
    Bytes payload{0, 0, 0, 2};
    const Bytes b = s.block(get_request());
    payload.insert(payload.end(), b.begin(), b.end());
    s.send_raw(5, end_headers, 1, payload);
    expect_connection_error("PROTOCOL_ERROR");
}

TEST_F(C, H2spec_hpack_2_3_3_Case1_IndexedHeaderFieldWithInvalidIndex) {
    s.send_raw(1, end_stream | end_headers, 1, {0x82, 0x86, 0x84, 0xbe});  // 62: table is empty
    expect_connection_error("COMPRESSION_ERROR");
}

TEST_F(C, H2spec_hpack_2_3_3_Case2_LiteralHeaderFieldWithInvalidIndex) {
    s.send_raw(1, end_stream | end_headers, 1, {0x82, 0x86, 0x84, 0x7e, 0x01, 'a'});  // name 62
    expect_connection_error("COMPRESSION_ERROR");
}

TEST_F(C, H2spec_hpack_4_2_Case1_DynamicTableSizeUpdateAtTheEndOfHeaderBlock) {
    s.send_raw(1, end_stream | end_headers, 1, {0x82, 0x86, 0x84, 0x3f, 0xe1, 0x1f});
    expect_connection_error("COMPRESSION_ERROR");
}

TEST_F(C, H2spec_hpack_5_2_Case1_HuffmanStringWithPaddingLongerThan7Bits) {
    // :authority = Huffman "a" (00011) followed by a whole octet of ones.
    s.send_raw(1, end_stream | end_headers, 1, {0x82, 0x86, 0x84, 0x41, 0x82, 0x1f, 0xff});
    expect_connection_error("COMPRESSION_ERROR");
}

TEST_F(C, H2spec_hpack_5_2_Case2_HuffmanStringPaddedByZero) {
    s.send_raw(1, end_stream | end_headers, 1, {0x82, 0x86, 0x84, 0x41, 0x81, 0x18});  // 00011 000
    expect_connection_error("COMPRESSION_ERROR");
}

TEST_F(C, H2spec_hpack_5_2_Case3_HuffmanStringContainingTheEosSymbol) {
    s.send_raw(1, end_stream | end_headers, 1, {0x82, 0x86, 0x84, 0x41, 0x84, 0xff, 0xff, 0xff, 0xff});
    expect_connection_error("COMPRESSION_ERROR");
}

TEST_F(C, H2spec_hpack_6_1_Case1_IndexedHeaderFieldWithIndex0) {
    s.send_raw(1, end_stream | end_headers, 1, {0x82, 0x86, 0x84, 0x80});
    expect_connection_error("COMPRESSION_ERROR");
}

TEST_F(C, H2spec_hpack_6_3_Case1_DynamicTableSizeUpdateLargerThanTheSetting) {
    s.send_raw(1, end_stream | end_headers, 1, {0x3f, 0xe2, 0x1f, 0x82, 0x86, 0x84});  // 4097
    expect_connection_error("COMPRESSION_ERROR");
}

}  // namespace
}  // namespace h2::test
