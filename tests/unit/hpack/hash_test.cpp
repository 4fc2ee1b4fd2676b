// The string equality of the HPACK tables: every length it has a path for, a difference at
// every position.
#include <gtest/gtest.h>

#include <string>

#include "h2/hpack/hash.hpp"

using h2::hpack::same;

TEST(HpackSame, FindsADifferenceAtEveryPositionOfEveryLength) {
    for (std::size_t n = 0; n <= 80; ++n) {
        std::string a(n, 'x'), b(n, 'x');
        for (std::size_t i = 0; i < n; ++i) a[i] = static_cast<char>('a' + i % 26);
        b = a;
        EXPECT_TRUE(same(a, b)) << n;
        for (std::size_t i = 0; i < n; ++i) {
            std::string c = a;
            c[i] = static_cast<char>(c[i] ^ 0x20);
            EXPECT_FALSE(same(a, c)) << n << " at " << i;
            EXPECT_FALSE(same(c, a)) << n << " at " << i;
        }
    }
}

TEST(HpackSame, DifferentLengthsAreNeverTheSame) {
    const std::string s = "content-length";
    EXPECT_FALSE(same(s, std::string_view(s).substr(0, 13)));
    EXPECT_FALSE(same("", "a"));
    EXPECT_TRUE(same("", ""));
}
