// Every story of every encoder in hpack-test-case decodes to its expected header lists.
#include <gtest/gtest.h>

#include "h2/hpack/decoder.hpp"
#include "story.hpp"
#include "story_files.hpp"

namespace {

using h2::test::story_files;

class HpackStoryDecode : public testing::TestWithParam<std::string> {};

TEST_P(HpackStoryDecode, DecodesEveryCaseToTheExpectedHeaders) {
    const auto story = h2::story::Json::parse(h2::story::read_file(GetParam()));
    h2::story::Json decoded = story;  // a deep copy
    for (auto& c : decoded["cases"]) c["headers"] = h2::story::Json::array();
    ASSERT_NO_THROW(h2::story::decode_story(decoded));

    const auto& want = story.at("cases");
    const auto& got = decoded.at("cases");
    ASSERT_EQ(want.size(), got.size());
    ASSERT_FALSE(want.empty());
    for (std::size_t i = 0; i < want.size(); ++i) {
        EXPECT_EQ(h2::story::case_headers(want[i]), h2::story::case_headers(got[i])) << "case " << i;
    }
}

INSTANTIATE_TEST_SUITE_P(Stories, HpackStoryDecode, testing::ValuesIn(story_files()),
                         [](const auto& p) { return h2::test::story_test_name(p.param); });

TEST(HpackStories, SharedFolderHoldsEveryEncodersStories) {
    // Guards the parameterised tests above against silently running on nothing.
    EXPECT_GE(story_files().size(), 440u) << "looked in " << h2::test::hpack_test_case_dir();
    EXPECT_GE(story_files("raw-data").size(), 30u);
}

}  // namespace
