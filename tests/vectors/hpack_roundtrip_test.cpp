// raw-data stories: libh2's encoder output decodes back to the same headers with libh2's
// decoder and with libnghttp2's inflater (an independent implementation).
#include <gtest/gtest.h>
#include <nghttp2/nghttp2.h>

#include <memory>

#include "h2/hpack/decoder.hpp"
#include "h2/hpack/encoder.hpp"
#include "story.hpp"
#include "story_files.hpp"

namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Inflater {
    nghttp2_hd_inflater* p = nullptr;
    Inflater() { nghttp2_hd_inflate_new(&p); }
    ~Inflater() { nghttp2_hd_inflate_del(p); }

    // Decodes one block; fails the test on any error.
    Headers inflate(const std::vector<std::uint8_t>& block) {
        Headers out;
        const std::uint8_t* in = block.data();
        std::size_t left = block.size();
        for (;;) {
            nghttp2_nv nv;
            int flags = 0;
            const ssize_t n = nghttp2_hd_inflate_hd2(p, &nv, &flags, in, left, 1);
            EXPECT_GE(n, 0) << "nghttp2 refused our block: " << nghttp2_strerror(static_cast<int>(n));
            if (n < 0) return out;
            in += n;
            left -= static_cast<std::size_t>(n);
            if (flags & NGHTTP2_HD_INFLATE_EMIT) {
                out.emplace_back(std::string(reinterpret_cast<char*>(nv.name), nv.namelen),
                                 std::string(reinterpret_cast<char*>(nv.value), nv.valuelen));
            }
            if (flags & NGHTTP2_HD_INFLATE_FINAL) break;
            if (n == 0 && left == 0) break;
        }
        nghttp2_hd_inflate_end_headers(p);
        return out;
    }
};

class HpackRoundTrip : public testing::TestWithParam<std::string> {};

TEST_P(HpackRoundTrip, EncodedStoryDecodesBackWithLibh2AndNghttp2) {
    const auto story = h2::story::Json::parse(h2::story::read_file(GetParam()));
    h2::hpack::Encoder encoder;
    h2::hpack::Decoder decoder(h2::hpack::DecoderLimits{4096, 1u << 30});
    Inflater nghttp2;
    std::vector<h2::hpack::HeaderField> fields, decoded;
    std::vector<std::uint8_t> block;
    std::size_t i = 0;
    for (const auto& c : story.at("cases")) {
        const Headers headers = h2::story::case_headers(c);
        fields.clear();
        for (const auto& [n, v] : headers) fields.push_back({n, v, false});
        block.clear();
        encoder.encode(fields, block);

        decoded.clear();
        ASSERT_TRUE(decoder.decode(block, decoded).ok()) << "case " << i;
        Headers ours;
        for (const auto& f : decoded) ours.emplace_back(f.name, f.value);
        EXPECT_EQ(ours, headers) << "libh2, case " << i;
        EXPECT_EQ(nghttp2.inflate(block), headers) << "nghttp2, case " << i;
        ++i;
    }
    EXPECT_GT(i, 0u);
}

TEST_P(HpackRoundTrip, EncodedStoryDecodesBackAfterTableSizeChanges) {
    // The peer's table size goes down and up between blocks; the encoder must signal it
    // (RFC 7541 §4.2) or nghttp2 would reject the next block.
    const auto story = h2::story::Json::parse(h2::story::read_file(GetParam()));
    h2::hpack::Encoder encoder;
    h2::hpack::Decoder decoder(h2::hpack::DecoderLimits{4096, 1u << 30});
    Inflater nghttp2;
    const std::uint32_t sizes[] = {4096, 0, 256, 4096, 1024, 64, 4096};
    std::vector<h2::hpack::HeaderField> fields, decoded;
    std::vector<std::uint8_t> block;
    std::size_t i = 0;
    for (const auto& c : story.at("cases")) {
        if (i % 5 == 4) {
            const std::uint32_t s = sizes[(i / 5) % std::size(sizes)];
            encoder.set_peer_max_table_size(s);
            decoder.set_max_table_size(s);
            ASSERT_EQ(nghttp2_hd_inflate_change_table_size(nghttp2.p, s), 0);
        }
        const Headers headers = h2::story::case_headers(c);
        fields.clear();
        for (const auto& [n, v] : headers) fields.push_back({n, v, false});
        block.clear();
        encoder.encode(fields, block);
        decoded.clear();
        ASSERT_TRUE(decoder.decode(block, decoded).ok()) << "case " << i;
        ASSERT_EQ(decoded.size(), headers.size());
        EXPECT_EQ(nghttp2.inflate(block), headers) << "nghttp2, case " << i;
        ++i;
    }
}

INSTANTIATE_TEST_SUITE_P(RawData, HpackRoundTrip, testing::ValuesIn(h2::test::story_files("raw-data")),
                         [](const auto& p) { return h2::test::story_test_name(p.param); });

}  // namespace
