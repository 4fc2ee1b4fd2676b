#include <gtest/gtest.h>

#include "h2/error.hpp"

TEST(ErrorCode, NamesFollowRfc9113Section7) {
    EXPECT_EQ(h2::to_string(h2::ErrorCode::no_error), "NO_ERROR");
    EXPECT_EQ(h2::to_string(h2::ErrorCode::enhance_your_calm), "ENHANCE_YOUR_CALM");
    EXPECT_EQ(h2::to_string(h2::ErrorCode::http_1_1_required), "HTTP_1_1_REQUIRED");
}

TEST(ErrorCode, UnknownCodesAreKeptAndNamedUnknown) {
    const auto code = static_cast<h2::ErrorCode>(0xdeadbeef);
    EXPECT_EQ(static_cast<std::uint32_t>(code), 0xdeadbeefu);
    EXPECT_EQ(h2::to_string(code), "UNKNOWN");
}
