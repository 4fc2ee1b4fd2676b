// What held a stream that made no progress for stream_stall_timeout (internal header): said in
// the log line when the stream is reset, and counted on the metrics page.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace h2::runtime {

// Progress is this many octets moved (taken by the engine, received, written), not any octet:
// a window opened one octet at a time does not keep a stream alive.
inline constexpr std::size_t kStallMinOctets = 4096;

enum class StallCause : std::uint8_t {
    stream_window,      // the peer's flow-control window for the stream stayed shut
    connection_window,  // the peer's window for the whole connection stayed shut
    socket,             // the windows were open, but the peer did not read what we wrote
    request_body,       // the handler waited for a request body that did not come
    response,           // the response did not move though nothing above held it
};

constexpr std::string_view to_string(StallCause c) noexcept {
    switch (c) {
        case StallCause::stream_window:
            return "stream_window";
        case StallCause::connection_window:
            return "connection_window";
        case StallCause::socket:
            return "socket";
        case StallCause::request_body:
            return "request_body";
        case StallCause::response:
            return "response";
    }
    return "?";
}

// In words, for a log line.
constexpr std::string_view explain(StallCause c) noexcept {
    switch (c) {
        case StallCause::stream_window:
            return "the peer's stream window stayed shut";
        case StallCause::connection_window:
            return "the peer's connection window stayed shut";
        case StallCause::socket:
            return "the peer did not read what was written to it";
        case StallCause::request_body:
            return "the request body did not come";
        case StallCause::response:
            return "the response did not move";
    }
    return "?";
}

}  // namespace h2::runtime
