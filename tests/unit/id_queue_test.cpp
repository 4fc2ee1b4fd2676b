#include "h2/connection/id_queue.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <random>

namespace h2 {
namespace {

TEST(IdQueue, AnEmptyQueueHoldsNoMemory) {
    IdQueue q;
    EXPECT_TRUE(q.empty());
    EXPECT_EQ(sizeof(q), sizeof(std::vector<IdQueue::Id>) + 2 * sizeof(std::size_t));
}

TEST(IdQueue, KeepsFifoOrderAcrossGrowthAndWrapAround) {
    IdQueue q;
    for (IdQueue::Id i = 1; i <= 5; ++i) q.push_back(i);
    q.pop_front();
    q.pop_front();
    for (IdQueue::Id i = 6; i <= 40; ++i) q.push_back(i);  // wraps, then grows twice
    ASSERT_EQ(q.size(), 38u);
    for (IdQueue::Id i = 3; i <= 40; ++i) {
        EXPECT_EQ(q.front(), i);
        q.pop_front();
    }
    EXPECT_TRUE(q.empty());
}

TEST(IdQueue, BehavesAsADequeUnderRandomOperations) {
    std::mt19937 rng(7);
    IdQueue q;
    std::deque<IdQueue::Id> model;
    for (int step = 0; step < 20000; ++step) {
        const auto id = static_cast<IdQueue::Id>(rng() % 64);
        switch (rng() % 4) {
            case 0:
                q.push_back(id);
                model.push_back(id);
                break;
            case 1:
                q.push_front(id);
                model.push_front(id);
                break;
            case 2:
                if (!model.empty()) {
                    ASSERT_EQ(q.front(), model.front());
                    q.pop_front();
                    model.pop_front();
                }
                break;
            default: {
                const auto it = std::find(model.begin(), model.end(), id);
                ASSERT_EQ(q.erase(id), it != model.end());
                if (it != model.end()) model.erase(it);
            }
        }
        ASSERT_EQ(q.size(), model.size());
        for (std::size_t i = 0; i < model.size(); ++i) ASSERT_EQ(q[i], model[i]);
    }
}

}  // namespace
}  // namespace h2
