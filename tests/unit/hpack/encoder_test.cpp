// The encoder: RFC 7541 C.4 byte for byte, the indexing policy, table size signalling.
#include <gtest/gtest.h>

#include <cstring>

#include "h2/hpack/decoder.hpp"
#include "h2/hpack/encoder.hpp"
#include "test_util.hpp"

using namespace h2::hpack;
using h2::test::hex;

namespace {

h2::test::Bytes encode(Encoder& e, std::vector<HeaderField> fields) {
    std::vector<std::uint8_t> out;
    e.encode(fields, out);
    return out;
}

struct Field {
    std::string name, value;
    bool never_index;
};

// Copies the fields: the decoder's views do not outlive the block.
std::vector<Field> decode(Decoder& d, const h2::test::Bytes& b) {
    std::vector<HeaderField> views;
    const DecodeResult r = d.decode(b, views);
    EXPECT_TRUE(r.ok()) << r.reason;
    std::vector<Field> out;
    for (const auto& f : views) out.push_back({std::string(f.name), std::string(f.value), f.never_index});
    return out;
}

}  // namespace

TEST(HpackEncoder, C_4_RequestsAreEncodedByteForByte) {
    Encoder e;
    EXPECT_EQ(encode(e, {{":method", "GET"}, {":scheme", "http"}, {":path", "/"}, {":authority", "www.example.com"}}),
              hex("828684418cf1e3c2e5f23a6ba0ab90f4ff"));
    EXPECT_EQ(encode(e, {{":method", "GET"},
                         {":scheme", "http"},
                         {":path", "/"},
                         {":authority", "www.example.com"},
                         {"cache-control", "no-cache"}}),
              hex("828684be5886a8eb10649cbf"));
    EXPECT_EQ(encode(e, {{":method", "GET"},
                         {":scheme", "https"},
                         {":path", "/index.html"},
                         {":authority", "www.example.com"},
                         {"custom-key", "custom-value"}}),
              hex("828785bf408825a849e95ba97d7f8925a849e95bb8e8b4bf"));
    EXPECT_EQ(e.table().size(), 164u);
}

TEST(HpackEncoder, RepeatedFieldBecomesOneIndexOctet) {
    Encoder e;
    encode(e, {{"x-trace", "abc"}});
    EXPECT_EQ(encode(e, {{"x-trace", "abc"}}), hex("be"));
}

TEST(HpackEncoder, FieldThatUsuallyChangesIsIndexedOnceItRepeats) {
    Encoder e;
    // etag is sent without indexing (values rarely repeat)...
    const auto first = encode(e, {{"etag", "\"a7c095-d-18ea1518c25c8762\""}});
    EXPECT_EQ(first[0] & 0xf0, 0x00);
    EXPECT_EQ(e.table().count(), 0u);
    // ...until the same value comes again (a server sending the same file): indexed then,
    EXPECT_EQ(encode(e, {{"etag", "\"a7c095-d-18ea1518c25c8762\""}})[0] & 0xc0, 0x40);
    EXPECT_EQ(e.table().count(), 1u);
    // and one octet from the third time on; another value starts over without indexing.
    EXPECT_EQ(encode(e, {{"etag", "\"a7c095-d-18ea1518c25c8762\""}}), hex("be"));
    EXPECT_EQ(encode(e, {{"etag", "\"other\""}})[0] & 0xf0, 0x00);
}

TEST(HpackEncoder, SameNameWithNewValueReferencesTheDynamicName) {
    Encoder e;
    encode(e, {{"x-trace", "abc"}});
    const auto b = encode(e, {{"x-trace", "zzz"}});
    EXPECT_EQ(b[0], 0x40 | 62);  // incremental, name index 62
}

TEST(HpackEncoder, SecretsAreNeverIndexed) {
    Encoder e;
    for (const char* name : {"authorization", "proxy-authorization", "set-cookie"}) {
        const auto b = encode(e, {{name, "s3cr3t-value-of-some-length"}});
        EXPECT_EQ(b[0] & 0xf0, 0x10) << name;
    }
    EXPECT_EQ(e.table().count(), 0u);
}

TEST(HpackEncoder, ShortCookiesAreNeverIndexedLongOnesAre) {
    Encoder e;
    EXPECT_EQ(encode(e, {{"cookie", "id=1"}})[0] & 0xf0, 0x10);
    EXPECT_EQ(encode(e, {{"cookie", "session=0123456789abcdef0123"}})[0] & 0xc0, 0x40);
}

TEST(HpackEncoder, FieldMarkedNeverIndexStaysNeverIndexed) {
    Encoder e;
    Decoder d;
    const auto b = encode(e, {{"x-forwarded-secret", "v", true}});
    EXPECT_EQ(b[0], 0x10);
    const auto f = decode(d, b);
    ASSERT_EQ(f.size(), 1u);
    EXPECT_TRUE(f[0].never_index);
}

TEST(HpackEncoder, ValuesThatRarelyRepeatAreNotIndexed) {
    Encoder e;
    encode(e, {{"content-length", "1234"},
               {":path", "/search?q=libh2"},
               {"etag", "\"abc\""},
               {"last-modified", "Mon, 21 Oct 2013 20:13:21 GMT"},
               {"if-none-match", "\"x\""}});
    EXPECT_EQ(e.table().count(), 0u);
}

TEST(HpackEncoder, PathIsNotIndexedButItsNameIsReferenced) {
    Encoder e;
    EXPECT_EQ(encode(e, {{":path", "/static/app.js"}})[0], 0x04);  // without indexing, name 4
    EXPECT_EQ(e.table().count(), 0u);
}

TEST(HpackEncoder, DatesThatRepeatAreIndexed) {
    Encoder e;
    encode(e, {{"date", "Sat, 21 Nov 2026 12:00:00 GMT"}, {"expires", "-1"}});
    EXPECT_EQ(e.table().count(), 2u);
}

TEST(HpackEncoder, EntryLargerThanThreeQuartersOfTheTableIsNotIndexed) {
    Encoder e;
    encode(e, {{"x-big", std::string(3100, 'v')}});
    EXPECT_EQ(e.table().count(), 0u);
}

TEST(HpackEncoder, HuffmanOnlyWhenShorter) {
    Encoder e;
    // "www.example.com" is shorter in Huffman; random-looking octets are not.
    auto b = encode(e, {{"x-a", std::string("\xff\xfe\xfd", 3)}});
    EXPECT_EQ(b.back() == 0xfd && (b[b.size() - 4] & 0x80) == 0, true);
}

TEST(HpackEncoder, LoweredPeerTableSizeIsSignalledAtTheNextBlock) {
    Encoder e;
    encode(e, {{"x-a", "1"}});
    e.set_peer_max_table_size(0);
    EXPECT_EQ(encode(e, {{":method", "GET"}}), hex("20 82"));
    EXPECT_EQ(e.table().count(), 0u);
}

TEST(HpackEncoder, SizeGoingDownThenUpSignalsTheMinimumFirst) {
    Encoder e;
    e.set_peer_max_table_size(100);
    e.set_peer_max_table_size(4096);
    EXPECT_EQ(encode(e, {{":method", "GET"}}), hex("3f 45 3f e1 1f 82"));
}

TEST(HpackEncoder, PeerTableLargerThanOurCapIsCapped) {
    Encoder e(EncoderOptions{1024, 20});
    e.set_peer_max_table_size(65536);
    EXPECT_EQ(encode(e, {{":method", "GET"}}), hex("3f e1 07 82"));  // 1024
    EXPECT_EQ(e.table().max_size(), 1024u);
}

TEST(HpackEncoder, OutputDecodesThroughEvictionsAndResizes) {
    Encoder e;
    Decoder d;
    for (int i = 0; i < 2000; ++i) {
        if (i % 97 == 0) {
            const std::uint32_t size = static_cast<std::uint32_t>((i * 37) % 5000);
            e.set_peer_max_table_size(size);
            d.set_max_table_size(size);
        }
        const std::vector<std::pair<std::string, std::string>> in{
            {":status", i % 3 ? "200" : "404"},
            {"x-id", std::to_string(i % 50)},
            {"x-name-" + std::to_string(i % 13), std::string(static_cast<std::size_t>(i % 300), 'q')}};
        std::vector<HeaderField> fields;
        for (const auto& [n, v] : in) fields.push_back({n, v});
        const auto out = decode(d, encode(e, fields));
        ASSERT_EQ(out.size(), fields.size()) << i;
        for (std::size_t k = 0; k < out.size(); ++k) {
            ASSERT_EQ(out[k].name, fields[k].name) << i;
            ASSERT_EQ(out[k].value, fields[k].value) << i;
        }
    }
}

TEST(HpackEncoder, AppendsToExistingOutput) {
    Encoder e;
    std::vector<std::uint8_t> out{0xaa};
    const std::vector<HeaderField> f{{":method", "GET"}};
    e.encode(f, out);
    EXPECT_EQ(out, hex("aa 82"));
}

// The encoder remembers where a field it indexed lives in the caller's memory (a file cache's
// fields repeat from the same place); these are the cases where that memory says nothing.
TEST(HpackEncoder, MemoryThatNowHoldsAnotherValueIsEncodedByItsContent) {
    Encoder e;
    Decoder d;
    char value[] = "first-value";
    decode(d, encode(e, {{"x-trace", value}}));
    const auto again = encode(e, {{"x-trace", value}});
    EXPECT_EQ(again, hex("be"));
    decode(d, again);
    std::memcpy(value, "other-value", sizeof value);
    const auto got = decode(d, encode(e, {{"x-trace", value}}));
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].value, "other-value");
}

TEST(HpackEncoder, AFieldRememberedButEvictedIsSentAsALiteralAgain) {
    Encoder e;
    e.set_peer_max_table_size(64);  // room for one entry of this size
    const std::string a = "aaaaaaaaaa", b = "bbbbbbbbbb";
    encode(e, {{"x-a", a}});
    EXPECT_EQ(encode(e, {{"x-a", a}}), hex("be"));
    encode(e, {{"x-b", b}});  // evicts x-a
    const auto block = encode(e, {{"x-a", a}});
    EXPECT_NE(block, hex("be"));
    EXPECT_EQ(block[0] & 0xc0, 0x40);  // literal with incremental indexing, re-inserted
}

TEST(HpackEncoder, ARememberedFieldNowMarkedNeverIndexIsSentNeverIndexed) {
    Encoder e;
    const std::string v = "session-token-value";
    encode(e, {{"x-token", v}});
    EXPECT_EQ(encode(e, {{"x-token", v}}), hex("be"));
    HeaderField secret{"x-token", v};
    secret.never_index = true;
    const auto block = encode(e, {secret});
    EXPECT_EQ(block[0] & 0xf0, 0x10);  // §6.2.3
}

TEST(HpackEncoder, AStaticFieldFromTheSameMemoryStaysItsStaticIndex) {
    Encoder e;
    const std::string status = "200", other = "404";
    EXPECT_EQ(encode(e, {{":status", status}}), hex("88"));
    EXPECT_EQ(encode(e, {{":status", status}}), hex("88"));
    EXPECT_EQ(encode(e, {{":status", other}}), hex("8d"));
}

// Fields that usually change (an etag, a last-modified date) are sent without indexing, and
// indexed when they repeat: whatever their values (two of them once shared a slot of the
// encoder's memory of recent literals by their hash, and then neither was ever indexed).
TEST(HpackEncoder, TwoFieldsThatUsuallyChangeAreIndexedWhenTheyRepeatWhateverTheirValues) {
    for (int i = 0; i < 200; ++i) {
        Encoder e;
        const std::string etag = "\"ad01d1-d-" + std::to_string(1000003 * i) + "\"";
        const std::string date =
            "Thu, 26 Nov 2026 22:" + std::to_string(10 + i % 50) + ":" + std::to_string(i) + " GMT";
        const std::vector<HeaderField> block = {{"etag", etag}, {"last-modified", date}};
        encode(e, block);
        encode(e, block);
        EXPECT_EQ(encode(e, block).size(), 2u) << "values " << etag << " and " << date;
    }
}
