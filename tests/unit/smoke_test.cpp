#include <gtest/gtest.h>
#include "h2/error.hpp"
TEST(ErrorCode, NamesFollowRfc9113Section7) {
    EXPECT_EQ(h2::to_string(h2::ErrorCode::enhance_your_calm), "ENHANCE_YOUR_CALM");
    EXPECT_EQ(h2::to_string(static_cast<h2::ErrorCode>(0xff)), "UNKNOWN");
}
