#include <gtest/gtest.h>

#include "json.hpp"

using h2::json::Value;

TEST(Json, ParsesNestedValuesAndKeepsMemberOrder) {
    const Value v = h2::json::parse(R"({"b": [1, -2.5e3, true, null], "a": "x"})");
    ASSERT_EQ(v.as_object().size(), 2u);
    EXPECT_EQ(v.as_object()[0].first, "b");
    EXPECT_EQ(v.find("b")->as_array()[1].as_number(), -2500.0);
    EXPECT_TRUE(v.find("b")->as_array()[3].is_null());
}

TEST(Json, DecodesEscapesIncludingSurrogatePairs) {
    const Value v = h2::json::parse(R"("a\u0026b\n\"\ud83d\ude00")");
    EXPECT_EQ(v.as_string(), "a&b\n\"\xf0\x9f\x98\x80");
}

TEST(Json, WritesWhatItReads) {
    const std::string text = "{\n  \"k\": [\n    \"v\\\\\",\n    12\n  ]\n}\n";
    EXPECT_EQ(h2::json::write(h2::json::parse(text)), text);
}

TEST(Json, RejectsTrailingGarbageAndBadTokens) {
    EXPECT_THROW(h2::json::parse("{} x"), h2::json::ParseError);
    EXPECT_THROW(h2::json::parse("[1,]"), h2::json::ParseError);
    EXPECT_THROW(h2::json::parse("\"abc"), h2::json::ParseError);
    EXPECT_THROW(h2::json::parse(std::string(1000, '[')), h2::json::ParseError);
}
