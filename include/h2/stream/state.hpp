// The stream state machine of RFC 9113 §5.1, as a transition table.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace h2::stream {

enum class State : std::uint8_t {
    idle,
    reserved_local,
    reserved_remote,
    open,
    half_closed_local,
    half_closed_remote,
    closed,
};
inline constexpr int state_count = 7;

// What happens to a stream: a header block or an END_STREAM flag sent or received, a
// PUSH_PROMISE reserving it, a RST_STREAM. A HEADERS frame with END_STREAM is two inputs:
// headers, then end_stream.
enum class Input : std::uint8_t {
    send_headers,
    recv_headers,
    send_push_promise,  // on the promised stream
    recv_push_promise,  // on the promised stream
    send_end_stream,
    recv_end_stream,
    send_rst_stream,
    recv_rst_stream,
};
inline constexpr int input_count = 8;

// The next state, or nullopt when the input is not allowed in `s` (RFC 9113 §5.1).
std::optional<State> transition(State s, Input in) noexcept;

std::string_view to_string(State s) noexcept;

// RFC 9113 §5.1 in terms of what may be sent or received in a state.
constexpr bool can_send_data(State s) noexcept { return s == State::open || s == State::half_closed_remote; }
constexpr bool can_receive_data(State s) noexcept { return s == State::open || s == State::half_closed_local; }

}  // namespace h2::stream
