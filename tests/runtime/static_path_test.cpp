// The static-file resolver's parsers (also fuzzed by fuzz/static_path): request paths, Range.
#include <gtest/gtest.h>

#include "h2/runtime/static_files.hpp"

namespace h2::test {
namespace {

using runtime::StaticFiles;
using Range = std::pair<std::int64_t, std::int64_t>;

TEST(DecodePath, PercentEncodedDotSegmentsAndSeparatorsAreRefused) {
    EXPECT_EQ(StaticFiles::decode_path("/a/%2e%2e/etc/passwd"), std::nullopt);
    EXPECT_EQ(StaticFiles::decode_path("/a/%2f/b"), std::nullopt);
    EXPECT_EQ(StaticFiles::decode_path("/a/%5c/b"), std::nullopt);
    EXPECT_EQ(StaticFiles::decode_path("/a/%00"), std::nullopt);
    EXPECT_EQ(StaticFiles::decode_path("/a/%4"), std::nullopt);
    EXPECT_EQ(StaticFiles::decode_path("a/b"), std::nullopt);
    EXPECT_EQ(StaticFiles::decode_path("/a/b%20c.txt?x=..#/.."), std::optional<std::string>("/a/b c.txt"));
}

TEST(Range, ASingleRangeIsClampedToTheFile) {
    EXPECT_EQ(StaticFiles::parse_range("bytes=10-99", 50), std::optional<Range>(Range{10, 49}));
    EXPECT_EQ(StaticFiles::parse_range("bytes=10-", 50), std::optional<Range>(Range{10, 49}));
    EXPECT_EQ(StaticFiles::parse_range("bytes=-10", 50), std::optional<Range>(Range{40, 49}));
    EXPECT_EQ(StaticFiles::parse_range("bytes=-100", 50), std::optional<Range>(Range{0, 49}));
    EXPECT_EQ(StaticFiles::parse_range("bytes=50-", 50), std::optional<Range>(Range{-1, -1}));
    EXPECT_EQ(StaticFiles::parse_range("bytes=0-1,3-4", 50), std::nullopt);
    EXPECT_EQ(StaticFiles::parse_range("bytes=5-1", 50), std::nullopt);
}

// Found while writing the fuzzer's invariant: a suffix range of an empty file was {0, -1}.
TEST(Range, ASuffixRangeOfAnEmptyFileIsUnsatisfiable) {
    EXPECT_EQ(StaticFiles::parse_range("bytes=-5", 0), std::optional<Range>(Range{-1, -1}));
    EXPECT_EQ(StaticFiles::parse_range("bytes=0-", 0), std::optional<Range>(Range{-1, -1}));
}

}  // namespace
}  // namespace h2::test
