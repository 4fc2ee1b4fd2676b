// RFC 7541 Appendix C.2-C.6 byte for byte, every COMPRESSION_ERROR, and the limits.
#include <gtest/gtest.h>

#include "h2/hpack/decoder.hpp"
#include "test_util.hpp"

using namespace h2::hpack;
using h2::test::hex;
using Fields = std::vector<std::pair<std::string, std::string>>;

namespace {

Fields decode(Decoder& d, const h2::test::Bytes& block, DecodeResult* result = nullptr) {
    std::vector<HeaderField> out;
    const DecodeResult r = d.decode(block, out);
    if (result) *result = r;
    else EXPECT_TRUE(r.ok()) << r.reason;
    Fields f;
    for (const auto& h : out) f.emplace_back(h.name, h.value);
    return f;
}

DecodeResult error_of(const h2::test::Bytes& block, DecoderLimits limits = {}) {
    Decoder d(limits);
    DecodeResult r;
    decode(d, block, &r);
    return r;
}

}  // namespace

TEST(HpackDecoder, C_2_1_LiteralWithIndexingIsAddedToTheTable) {
    Decoder d;
    EXPECT_EQ(decode(d, hex("400a637573746f6d2d6b65790d637573746f6d2d686561646572")),
              (Fields{{"custom-key", "custom-header"}}));
    EXPECT_EQ(d.table().size(), 55u);
}

TEST(HpackDecoder, C_2_2_LiteralWithoutIndexingLeavesTheTableEmpty) {
    Decoder d;
    EXPECT_EQ(decode(d, hex("040c2f73616d706c652f70617468")), (Fields{{":path", "/sample/path"}}));
    EXPECT_EQ(d.table().count(), 0u);
}

TEST(HpackDecoder, C_2_3_NeverIndexedLiteralIsMarked) {
    Decoder d;
    std::vector<HeaderField> out;
    const auto block = hex("100870617373776f726406736563726574");  // fields are views into it
    ASSERT_TRUE(d.decode(block, out).ok());
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].name, "password");
    EXPECT_EQ(out[0].value, "secret");
    EXPECT_TRUE(out[0].never_index);
    EXPECT_EQ(d.table().count(), 0u);
}

TEST(HpackDecoder, C_2_4_IndexedField) {
    Decoder d;
    EXPECT_EQ(decode(d, hex("82")), (Fields{{":method", "GET"}}));
}

TEST(HpackDecoder, C_3_RequestsWithoutHuffman) {
    Decoder d;
    EXPECT_EQ(decode(d, hex("828684410f7777772e6578616d706c652e636f6d")),
              (Fields{{":method", "GET"}, {":scheme", "http"}, {":path", "/"}, {":authority", "www.example.com"}}));
    EXPECT_EQ(d.table().size(), 57u);
    EXPECT_EQ(decode(d, hex("828684be58086e6f2d6361636865")), (Fields{{":method", "GET"},
                                                                      {":scheme", "http"},
                                                                      {":path", "/"},
                                                                      {":authority", "www.example.com"},
                                                                      {"cache-control", "no-cache"}}));
    EXPECT_EQ(d.table().size(), 110u);
    EXPECT_EQ(decode(d, hex("828785bf400a637573746f6d2d6b65790c637573746f6d2d76616c7565")),
              (Fields{{":method", "GET"},
                      {":scheme", "https"},
                      {":path", "/index.html"},
                      {":authority", "www.example.com"},
                      {"custom-key", "custom-value"}}));
    EXPECT_EQ(d.table().size(), 164u);
    EXPECT_EQ(d.table()[0].name, "custom-key");
    EXPECT_EQ(d.table()[2].value, "www.example.com");
}

TEST(HpackDecoder, C_4_RequestsWithHuffman) {
    Decoder d;
    EXPECT_EQ(decode(d, hex("828684418cf1e3c2e5f23a6ba0ab90f4ff")),
              (Fields{{":method", "GET"}, {":scheme", "http"}, {":path", "/"}, {":authority", "www.example.com"}}));
    EXPECT_EQ(decode(d, hex("828684be5886a8eb10649cbf")).back(),
              (std::pair<std::string, std::string>{"cache-control", "no-cache"}));
    EXPECT_EQ(decode(d, hex("828785bf408825a849e95ba97d7f8925a849e95bb8e8b4bf")).back(),
              (std::pair<std::string, std::string>{"custom-key", "custom-value"}));
    EXPECT_EQ(d.table().size(), 164u);
}

namespace {
const Fields kResponse1{{":status", "302"},
                        {"cache-control", "private"},
                        {"date", "Mon, 21 Oct 2013 20:13:21 GMT"},
                        {"location", "https://www.example.com"}};
const Fields kResponse2{{":status", "307"},
                        {"cache-control", "private"},
                        {"date", "Mon, 21 Oct 2013 20:13:21 GMT"},
                        {"location", "https://www.example.com"}};
const Fields kResponse3{{":status", "200"},
                        {"cache-control", "private"},
                        {"date", "Mon, 21 Oct 2013 20:13:22 GMT"},
                        {"location", "https://www.example.com"},
                        {"content-encoding", "gzip"},
                        {"set-cookie", "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1"}};
}  // namespace

TEST(HpackDecoder, C_5_ResponsesWithoutHuffmanEvictInA256OctetTable) {
    Decoder d(DecoderLimits{256, 65536});
    EXPECT_EQ(decode(d, hex("4803333032580770726976617465611d4d6f6e2c203231204f637420323031332032303a31333a323120474d54"
                            "6e1768747470733a2f2f7777772e6578616d706c652e636f6d")),
              kResponse1);
    EXPECT_EQ(d.table().size(), 222u);
    EXPECT_EQ(decode(d, hex("4803333037c1c0bf")), kResponse2);
    EXPECT_EQ(d.table().size(), 222u);
    EXPECT_EQ(
        decode(
            d,
            hex("88c1611d4d6f6e2c203231204f637420323031332032303a31333a323220474d54c05a04677a69707738666f6f3d4153444a4b"
                "48514b425a584f5157454f50495541585157454f49553b206d61782d6167653d333630303b2076657273696f6e3d31")),
        kResponse3);
    EXPECT_EQ(d.table().size(), 215u);
    EXPECT_EQ(d.table().count(), 3u);
}

TEST(HpackDecoder, C_6_ResponsesWithHuffmanEvictInA256OctetTable) {
    Decoder d(DecoderLimits{256, 65536});
    EXPECT_EQ(decode(d, hex("488264025885aec3771a4b6196d07abe941054d444a8200595040b8166e082a62d1bff6e919d29ad171863c78f"
                            "0b97c8e9ae82ae43d3")),
              kResponse1);
    EXPECT_EQ(decode(d, hex("4883640effc1c0bf")), kResponse2);
    EXPECT_EQ(decode(d, hex("88c16196d07abe941054d444a8200595040b8166e084a62d1bffc05a839bd9ab77ad94e7821dd7f2e6c7b335df"
                            "dfcd5b3960d5af27087f3672c1ab270fb5291f9587316065c003ed4ee5b1063d5007")),
              kResponse3);
    EXPECT_EQ(d.table().size(), 215u);
}

TEST(HpackDecoder, LiteralNameOfAnEntryEvictedByItsOwnInsertionSurvives) {
    // RFC 7541 §4.4: the new entry names the entry it evicts.
    Decoder d(DecoderLimits{60, 65536});
    decode(d, hex("40 03 616263 01 31"));                                       // abc: 1 (36 octets)
    EXPECT_EQ(decode(d, hex("7e 05 3232323232")), (Fields{{"abc", "22222"}}));  // index 62
    ASSERT_EQ(d.table().count(), 1u);
    EXPECT_EQ(d.table()[0].name, "abc");
}

TEST(HpackDecoder, FieldsFromTheDynamicTableSurviveLaterInsertsInTheSameBlock) {
    Decoder d(DecoderLimits{80, 65536});
    decode(d, hex("40 03 616263 03 313233"));  // abc: 123
    // Indexed abc:123, then two inserts that evict and overwrite it.
    EXPECT_EQ(decode(d, hex("be 40 03 787878 0a 41414141414141414141 40 03 797979 0a 42424242424242424242")),
              (Fields{{"abc", "123"}, {"xxx", "AAAAAAAAAA"}, {"yyy", "BBBBBBBBBB"}}));
}

TEST(HpackDecoder, IndexZeroIsCompressionError) {
    const DecodeResult r = error_of(hex("80"));
    EXPECT_EQ(r.status, DecodeStatus::compression_error);
    EXPECT_EQ(r.reason, "index 0");
}

TEST(HpackDecoder, IndexBeyondTheTablesIsCompressionError) {
    EXPECT_EQ(error_of(hex("be")).reason, "index beyond the dynamic table");     // 62, table empty
    EXPECT_EQ(error_of(hex("7f 00")).reason, "index beyond the dynamic table");  // name index 63
}

TEST(HpackDecoder, TruncatedBlocksAreCompressionErrors) {
    EXPECT_EQ(error_of(hex("ff")).reason, "block ends inside an integer");
    EXPECT_EQ(error_of(hex("40")).reason, "block ends before a string");
    EXPECT_EQ(error_of(hex("40 05 6162")).reason, "string longer than the block");
    EXPECT_EQ(error_of(hex("40 03 616263")).reason, "block ends before a string");  // no value
}

TEST(HpackDecoder, HugeIntegerIsCompressionError) {
    EXPECT_EQ(error_of(hex("ff ff ff ff ff ff 0f")).reason, "integer too large");
}

TEST(HpackDecoder, BadHuffmanIsCompressionError) {
    EXPECT_EQ(error_of(hex("40 81 ff 01 31")).reason, "invalid Huffman code or padding");
    EXPECT_EQ(error_of(hex("40 84 ffffffff 01 31")).reason, "invalid Huffman code or padding");
}

TEST(HpackDecoder, SizeUpdateAfterAFieldIsCompressionError) {
    // RFC 7541 §4.2: only at the beginning of a block.
    EXPECT_EQ(error_of(hex("82 3f e1 1f")).reason, "dynamic table size update after a field");
    Decoder d;
    EXPECT_EQ(decode(d, hex("20 3f e1 1f 82")), (Fields{{":method", "GET"}}));  // two at the start
}

TEST(HpackDecoder, SizeUpdateAboveTheSettingIsCompressionError) {
    // RFC 7541 §6.3.
    EXPECT_EQ(error_of(hex("3f e2 1f")).reason,
              "dynamic table size update above SETTINGS_HEADER_TABLE_SIZE");  // 4097
    Decoder d(DecoderLimits{8192, 65536});
    EXPECT_TRUE(decode(d, hex("3f e1 3f 82")).size() == 1);  // 8192 is allowed
    EXPECT_EQ(d.table().max_size(), 8192u);
}

TEST(HpackDecoder, LoweredSettingRequiresASizeUpdateFirst) {
    Decoder d;
    decode(d, hex("40 01 61 01 62"));
    d.set_max_table_size(100);
    DecodeResult r;
    decode(d, hex("82"), &r);
    EXPECT_EQ(r.reason, "missing dynamic table size update");
}

TEST(HpackDecoder, LoweredSettingAcceptsAnUpdateAtOrBelowTheSmallestValue) {
    Decoder d;
    d.set_max_table_size(0);
    d.set_max_table_size(4096);  // 0 then back up: the encoder must signal 0 first
    DecodeResult r;
    decode(d, hex("3f e1 1f 82"), &r);  // 4096 first: not enough
    EXPECT_EQ(r.reason, "dynamic table size update above the smallest setting");

    Decoder ok;
    ok.set_max_table_size(0);
    ok.set_max_table_size(4096);
    EXPECT_EQ(decode(ok, hex("20 3f e1 1f 82")).size(), 1u);
    EXPECT_EQ(ok.table().max_size(), 4096u);
    EXPECT_EQ(decode(ok, hex("82")).size(), 1u);  // no update needed any more
}

TEST(HpackDecoder, RaisedSettingNeedsNoUpdate) {
    Decoder d;
    d.set_max_table_size(65536);
    EXPECT_EQ(decode(d, hex("82")).size(), 1u);
    EXPECT_EQ(d.table().max_size(), 4096u);
}

TEST(HpackDecoder, HeaderListAboveTheLimitIsReportedButTheTableStaysInSync) {
    Decoder d(DecoderLimits{4096, 100});
    DecodeResult r;
    // Two literals with indexing of 70 octets each: the second passes the 100 limit.
    const auto block = hex("40 03 616161 20 " + std::string(64, '6') + " 40 03 626262 20 " + std::string(64, '7'));
    std::vector<HeaderField> out;
    r = d.decode(block, out);
    EXPECT_EQ(r.status, DecodeStatus::header_list_too_large);
    EXPECT_TRUE(out.empty());
    EXPECT_EQ(d.table().count(), 2u);  // both were still indexed
    EXPECT_EQ(decode(d, hex("be")).front().first, "bbb");
}

TEST(HpackDecoder, HpackBombStopsGrowingTheOutputAtTheLimit) {
    // SECURITY-PLAN: a 4 KiB entry referenced 16,000 times would expand to 64 MiB.
    Decoder d(DecoderLimits{4096, 16384});
    auto entry = hex("40 01 78 7f a1 1e");  // "x": a 4000-octet value, raw
    entry.resize(entry.size() + 4000, 'v');
    decode(d, entry);
    ASSERT_EQ(d.table().count(), 1u);
    h2::test::Bytes bomb(16000, 0xbe);
    std::vector<HeaderField> out;
    const DecodeResult r = d.decode(bomb, out);
    EXPECT_EQ(r.status, DecodeStatus::header_list_too_large);
    EXPECT_TRUE(out.empty());
    EXPECT_EQ(d.header_list_size(), 4033u * 16000);  // counted to the end, never stored
    EXPECT_LT(d.memory_held(), 64u * 1024);
}

TEST(HpackDecoder, NextBlockAfterTooLargeDecodesNormally) {
    Decoder d(DecoderLimits{4096, 50});  // ":method: GET" counts 42
    std::vector<HeaderField> out;
    EXPECT_EQ(d.decode(hex("82 82"), out).status, DecodeStatus::header_list_too_large);
    EXPECT_EQ(decode(d, hex("82")), (Fields{{":method", "GET"}}));
}

TEST(HpackDecoder, RawLiteralsAreViewsIntoTheBlock) {
    Decoder d;
    const auto block = hex("00 01 61 01 62");
    std::vector<HeaderField> out;
    ASSERT_TRUE(d.decode(block, out).ok());
    EXPECT_EQ(static_cast<const void*>(out[0].name.data()), static_cast<const void*>(block.data() + 2));
}

TEST(HpackDecoder, EmptyBlockIsAnEmptyList) {
    Decoder d;
    EXPECT_TRUE(decode(d, {}).empty());
}

TEST(HpackDecoder, FailedBlockLeavesEarlierOutputAlone) {
    Decoder d;
    std::vector<HeaderField> out{{"kept", "1", false}};
    EXPECT_FALSE(d.decode(hex("82 80"), out).ok());
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].name, "kept");
}
