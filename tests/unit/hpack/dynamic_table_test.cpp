// RFC 7541 §2.3.2 and §4, checked against a simple model (a deque of strings).
#include <gtest/gtest.h>

#include <deque>
#include <random>

#include "h2/hpack/dynamic_table.hpp"

using namespace h2::hpack;

TEST(DynamicTable, NewestEntryIsFirstAndSizeCountsThirtyTwoOctetsEach) {
    DynamicTable t(4096);
    t.insert("a", "1");
    t.insert("bb", "22");
    ASSERT_EQ(t.count(), 2u);
    EXPECT_EQ(t[0].name, "bb");
    EXPECT_EQ(t[1].value, "1");
    EXPECT_EQ(t.size(), 2u + 32 + 4 + 32);
}

TEST(DynamicTable, EvictsOldestEntriesToMakeRoom) {
    DynamicTable t(100);
    t.insert("aaaa", "1111");  // 40
    t.insert("bbbb", "2222");  // 80
    t.insert("cccc", "3333");  // would be 120: evicts "aaaa"
    ASSERT_EQ(t.count(), 2u);
    EXPECT_EQ(t[1].name, "bbbb");
    EXPECT_EQ(t.size(), 80u);
}

TEST(DynamicTable, EntryLargerThanTheTableEmptiesIt) {
    DynamicTable t(64);
    t.insert("a", "b");
    EXPECT_FALSE(t.insert(std::string(40, 'n'), "v"));  // RFC 7541 §4.4
    EXPECT_EQ(t.count(), 0u);
    EXPECT_EQ(t.size(), 0u);
}

TEST(DynamicTable, EntryOfExactlyTheMaximumSizeFits) {
    DynamicTable t(64);
    EXPECT_TRUE(t.insert(std::string(16, 'n'), std::string(16, 'v')));
    EXPECT_EQ(t.size(), 64u);
}

TEST(DynamicTable, SmallerMaximumEvicts) {
    DynamicTable t(4096);
    for (int i = 0; i < 10; ++i) t.insert("name", std::to_string(i));
    t.set_max_size(80);
    EXPECT_EQ(t.count(), 2u);
    EXPECT_EQ(t[0].value, "9");
    t.set_max_size(0);
    EXPECT_EQ(t.count(), 0u);
}

TEST(DynamicTable, LargerMaximumKeepsEntriesAndAcceptsBiggerOnes) {
    DynamicTable t(100);
    t.insert("k", "v");
    t.set_max_size(10000);
    EXPECT_TRUE(t.insert(std::string(5000, 'n'), "v"));
    ASSERT_EQ(t.count(), 2u);
    EXPECT_EQ(t[1].name, "k");
}

TEST(DynamicTable, MatchesAModelUnderRandomInsertsAndResizes) {
    // Exercises the ring wrap-around with entries of every size.
    std::mt19937 rng(4096);
    std::uniform_int_distribution<int> len(0, 300), op(0, 99), max(0, 5000);
    DynamicTable t(1024);
    std::deque<std::pair<std::string, std::string>> model;
    std::size_t model_max = 1024;
    auto model_size = [&] {
        std::size_t s = 0;
        for (auto& [n, v] : model) s += n.size() + v.size() + 32;
        return s;
    };
    for (int i = 0; i < 20000; ++i) {
        if (op(rng) < 3) {
            model_max = static_cast<std::size_t>(max(rng));
            t.set_max_size(static_cast<std::uint32_t>(model_max));
        } else {
            std::string n(static_cast<std::size_t>(len(rng)), static_cast<char>('a' + i % 26));
            std::string v(static_cast<std::size_t>(len(rng)), static_cast<char>('A' + i % 26));
            t.insert(n, v);
            model.emplace_front(n, v);
        }
        while (model_size() > model_max) model.pop_back();
        ASSERT_EQ(t.count(), model.size()) << "step " << i;
        ASSERT_EQ(t.size(), model_size());
        for (std::size_t k = 0; k < model.size(); ++k) {
            ASSERT_EQ(t[k].name, model[k].first) << "step " << i << " entry " << k;
            ASSERT_EQ(t[k].value, model[k].second);
        }
    }
}

TEST(DynamicTable, SequenceNumbersMapToHpackIndices) {
    DynamicTable t(4096);
    t.insert("a", "1");
    t.insert("b", "2");
    EXPECT_EQ(t.index_of(t.newest_sequence()), 62u);
    EXPECT_EQ(t.index_of(t.oldest_sequence()), 63u);
    EXPECT_EQ(t.by_sequence(t.oldest_sequence()).name, "a");
}
