// RFC 9113 §8.2-§8.3 field rules and RFC 9218 priority parsing, directly.
#include <gtest/gtest.h>

#include "h2/connection/http_fields.hpp"
#include "h2/connection/priority.hpp"

using h2::hpack::HeaderField;
using namespace h2::http;

namespace {

std::string_view request_error(std::vector<HeaderField> extra, bool connect_protocol = false) {
    std::vector<HeaderField> f{{":method", "GET"}, {":scheme", "https"}, {":path", "/"}, {":authority", "a"}};
    f.insert(f.end(), extra.begin(), extra.end());
    Request r;
    return check_request(f, connect_protocol, r);
}

}  // namespace

TEST(HttpFields, ValidRequestIsAccepted) { EXPECT_EQ(request_error({{"accept", "*/*"}, {"te", "trailers"}}), ""); }

TEST(HttpFields, ForbiddenOctetsAreFoundInEveryPartOfALongValue) {
    // The scan takes eight octets at a time, then the tail: try every position.
    for (const char bad : {'\0', '\r', '\n'}) {
        for (std::size_t at = 0; at < 21; ++at) {
            std::string v(21, 'v');
            v[at] = bad;
            EXPECT_EQ(request_error({{"x", v}}), "invalid field value") << int(bad) << " at " << at;
        }
    }
    EXPECT_EQ(request_error({{"x", std::string(64, '\x7f')}}), "");  // obs-text-like octets are fine
}

TEST(HttpFields, LeadingOrTrailingWhitespaceIsRejected) {
    EXPECT_EQ(request_error({{"x", " a"}}), "invalid field value");
    EXPECT_EQ(request_error({{"x", "a\t"}}), "invalid field value");
    EXPECT_EQ(request_error({{"x", "a b"}}), "");
}

TEST(HttpFields, NamesMustBeLowercaseTokens) {
    for (const char* name : {"Accept", "a b", "a:b", "\x7f", "\xc3\xa9", ""}) {
        EXPECT_EQ(request_error({{name, "1"}}), "invalid field name") << name;
    }
}

TEST(HttpFields, ContentLengthIsDigitsOnlyAndConsistent) {
    EXPECT_EQ(parse_content_length("0"), 0u);
    EXPECT_EQ(parse_content_length("1234567890"), 1234567890u);
    for (const char* bad : {"", "+1", "-1", " 1", "1 ", "1,1", "0x1", "12345678901234567890"}) {
        EXPECT_FALSE(parse_content_length(bad).has_value()) << bad;
    }
    EXPECT_EQ(request_error({{"content-length", "5"}, {"content-length", "5"}}), "");
    EXPECT_EQ(request_error({{"content-length", "5"}, {"content-length", "6"}}), "conflicting content-length");
}

TEST(HttpFields, ExtendedConnectNeedsTheSettingAndAllPseudoHeaders) {
    std::vector<HeaderField> ws{{":method", "CONNECT"},
                                {":protocol", "websocket"},
                                {":scheme", "https"},
                                {":path", "/chat"},
                                {":authority", "a"}};
    Request r;
    EXPECT_EQ(check_request(ws, false, r), ":protocol without SETTINGS_ENABLE_CONNECT_PROTOCOL");
    EXPECT_EQ(check_request(ws, true, r), "");
    EXPECT_TRUE(r.extended_connect());
    ws.pop_back();
    EXPECT_EQ(check_request(ws, true, r), "extended CONNECT without :scheme, :path or :authority");
}

TEST(HttpFields, PlainConnectHasOnlyMethodAndAuthority) {
    Request r;
    const std::vector<HeaderField> ok{{":method", "CONNECT"}, {":authority", "example.org:443"}};
    EXPECT_EQ(check_request(ok, false, r), "");
}

TEST(HttpFields, ResponsesNeedExactlyOneThreeDigitStatus) {
    Response r;
    EXPECT_EQ(check_response(std::vector<HeaderField>{{":status", "204"}}, r), "");
    EXPECT_EQ(r.status, 204);
    EXPECT_EQ(check_response(std::vector<HeaderField>{{":status", "2x4"}}, r), "invalid :status");
    EXPECT_EQ(check_response(std::vector<HeaderField>{{":status", "099"}}, r), "invalid :status");
    EXPECT_EQ(check_response(std::vector<HeaderField>{{"server", "x"}}, r), "missing :status");
}

TEST(HttpFields, TrailersCarryNoPseudoHeader) {
    EXPECT_EQ(check_trailers(std::vector<HeaderField>{{"x-sum", "1"}}), "");
    EXPECT_EQ(check_trailers(std::vector<HeaderField>{{":status", "200"}}), "pseudo-header in trailers");
}

TEST(Priority, UrgencyAndIncrementalAreParsed) {
    h2::Priority p;
    h2::parse_priority("u=5, i", p);
    EXPECT_EQ(p, (h2::Priority{5, true}));
    h2::parse_priority("i=?0", p);
    EXPECT_EQ(p, (h2::Priority{5, false}));
}

TEST(Priority, MalformedOrUnknownMembersAreIgnored) {
    for (const char* junk :
         {"u=8", "u=-1", "u=99999999999", "u=", "u=1.5", "x=3, y", ",,,", "u=\"1\"", "i=1", "\xff\xfe"}) {
        h2::Priority p;
        h2::parse_priority(junk, p);
        EXPECT_EQ(p, h2::Priority{}) << junk;
    }
    h2::Priority p;
    h2::parse_priority("u=2;foo=bar, i;x", p);  // parameters are ignored
    EXPECT_EQ(p, (h2::Priority{2, true}));
}
