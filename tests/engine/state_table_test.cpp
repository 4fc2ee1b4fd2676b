// RFC 9113 §5.1: the stream state table, every (state, input) pair.
#include <gtest/gtest.h>

#include <map>

#include "h2/stream/state.hpp"

using namespace h2::stream;

TEST(StreamStateTable, EveryStateAndInputHasTheRfcOutcome) {
    using S = State;
    using I = Input;
    // The allowed transitions of RFC 9113 Figure 2; every other pair must be refused.
    const std::map<std::pair<S, I>, S> allowed{
        {{S::idle, I::send_headers}, S::open},
        {{S::idle, I::recv_headers}, S::open},
        {{S::idle, I::send_push_promise}, S::reserved_local},
        {{S::idle, I::recv_push_promise}, S::reserved_remote},
        {{S::reserved_local, I::send_headers}, S::half_closed_remote},
        {{S::reserved_local, I::send_rst_stream}, S::closed},
        {{S::reserved_local, I::recv_rst_stream}, S::closed},
        {{S::reserved_remote, I::recv_headers}, S::half_closed_local},
        {{S::reserved_remote, I::send_rst_stream}, S::closed},
        {{S::reserved_remote, I::recv_rst_stream}, S::closed},
        {{S::open, I::send_headers}, S::open},
        {{S::open, I::recv_headers}, S::open},
        {{S::open, I::send_end_stream}, S::half_closed_local},
        {{S::open, I::recv_end_stream}, S::half_closed_remote},
        {{S::open, I::send_rst_stream}, S::closed},
        {{S::open, I::recv_rst_stream}, S::closed},
        {{S::half_closed_local, I::recv_headers}, S::half_closed_local},
        {{S::half_closed_local, I::recv_end_stream}, S::closed},
        {{S::half_closed_local, I::send_rst_stream}, S::closed},
        {{S::half_closed_local, I::recv_rst_stream}, S::closed},
        {{S::half_closed_remote, I::send_headers}, S::half_closed_remote},
        {{S::half_closed_remote, I::send_end_stream}, S::closed},
        {{S::half_closed_remote, I::send_rst_stream}, S::closed},
        {{S::half_closed_remote, I::recv_rst_stream}, S::closed},
        {{S::closed, I::send_rst_stream}, S::closed},
        {{S::closed, I::recv_rst_stream}, S::closed},
    };
    int checked = 0;
    for (int s = 0; s < state_count; ++s) {
        for (int i = 0; i < input_count; ++i) {
            const auto key = std::make_pair(static_cast<S>(s), static_cast<I>(i));
            const auto got = transition(key.first, key.second);
            const auto it = allowed.find(key);
            if (it == allowed.end()) {
                EXPECT_FALSE(got.has_value()) << to_string(key.first) << " input " << i;
            } else {
                ASSERT_TRUE(got.has_value()) << to_string(key.first) << " input " << i;
                EXPECT_EQ(*got, it->second) << to_string(key.first) << " input " << i;
            }
            ++checked;
        }
    }
    EXPECT_EQ(checked, 56);
}

TEST(StreamStateTable, DataMayFlowOnlyInTheRfcStates) {
    EXPECT_TRUE(can_send_data(State::open));
    EXPECT_TRUE(can_send_data(State::half_closed_remote));
    EXPECT_FALSE(can_send_data(State::half_closed_local));
    EXPECT_TRUE(can_receive_data(State::half_closed_local));
    EXPECT_FALSE(can_receive_data(State::half_closed_remote));
    EXPECT_FALSE(can_receive_data(State::idle));
    EXPECT_FALSE(can_send_data(State::closed));
}
