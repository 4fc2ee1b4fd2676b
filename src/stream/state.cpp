#include "h2/stream/state.hpp"

#include <array>

namespace h2::stream {
namespace {

using S = State;
constexpr std::int8_t X = -1;  // not allowed

// RFC 9113 §5.1, Figure 2. Rows: states; columns: inputs, in the order of enum Input.
// clang-format off
constexpr std::array<std::array<std::int8_t, input_count>, state_count> kTable = {{
    //                 send_h                     recv_h                     send_pp                     recv_pp                      send_es                        recv_es                        send_rst        recv_rst
    /* idle */       {{int8_t(S::open),          int8_t(S::open),          int8_t(S::reserved_local), int8_t(S::reserved_remote), X,                            X,                            X,              X}},
    /* res_local */  {{int8_t(S::half_closed_remote), X,                   X,                         X,                          X,                            X,                            int8_t(S::closed), int8_t(S::closed)}},
    /* res_remote */ {{X,                        int8_t(S::half_closed_local), X,                     X,                          X,                            X,                            int8_t(S::closed), int8_t(S::closed)}},
    /* open */       {{int8_t(S::open),          int8_t(S::open),          X,                         X,                          int8_t(S::half_closed_local), int8_t(S::half_closed_remote), int8_t(S::closed), int8_t(S::closed)}},
    /* hc_local */   {{X,                        int8_t(S::half_closed_local), X,                     X,                          X,                            int8_t(S::closed),            int8_t(S::closed), int8_t(S::closed)}},
    /* hc_remote */  {{int8_t(S::half_closed_remote), X,                   X,                         X,                          int8_t(S::closed),            X,                            int8_t(S::closed), int8_t(S::closed)}},
    /* closed */     {{X,                        X,                        X,                         X,                          X,                            X,                            int8_t(S::closed), int8_t(S::closed)}},
}};
// clang-format on

}  // namespace

std::optional<State> transition(State s, Input in) noexcept {
    const std::int8_t next = kTable[static_cast<int>(s)][static_cast<int>(in)];
    if (next < 0) return std::nullopt;
    return static_cast<State>(next);
}

std::string_view to_string(State s) noexcept {
    switch (s) {
        case State::idle:
            return "idle";
        case State::reserved_local:
            return "reserved (local)";
        case State::reserved_remote:
            return "reserved (remote)";
        case State::open:
            return "open";
        case State::half_closed_local:
            return "half-closed (local)";
        case State::half_closed_remote:
            return "half-closed (remote)";
        case State::closed:
            return "closed";
    }
    return "?";
}

}  // namespace h2::stream
