#include <gtest/gtest.h>

#include "h2/hpack/static_table.hpp"

using namespace h2::hpack;

TEST(StaticTable, HasTheSixtyOneEntriesOfAppendixA) {
    EXPECT_EQ(static_table[1].name, ":authority");
    EXPECT_EQ(static_table[2].value, "GET");
    EXPECT_EQ(static_table[16].value, "gzip, deflate");
    EXPECT_EQ(static_table[61].name, "www-authenticate");
}

TEST(StaticTable, FindsEveryEntryByNameAndValue) {
    for (std::size_t i = 1; i <= static_table_size; ++i) {
        const StaticMatch m = find_static(static_table[i].name, static_table[i].value);
        EXPECT_EQ(m.full, i) << static_table[i].name << ": " << static_table[i].value;
        EXPECT_EQ(static_table[m.name].name, static_table[i].name);
        EXPECT_LE(m.name, i);
    }
}

TEST(StaticTable, NameMatchIsTheFirstEntryWithThatName) {
    const StaticMatch m = find_static(":status", "418");
    EXPECT_EQ(m.full, 0);
    EXPECT_EQ(m.name, 8);
}

TEST(StaticTable, UnknownNamesAreNotFound) {
    EXPECT_EQ(find_static("x-custom", "").name, 0);
    EXPECT_EQ(find_static("", "").name, 0);
    EXPECT_EQ(find_static("Accept", "").name, 0);  // names are case-sensitive in HPACK
}
