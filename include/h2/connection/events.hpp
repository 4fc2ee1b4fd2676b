// What an h2::Connection reports from receive(): plain values in a std::variant, appended to
// a vector the caller owns. Spans and field views borrow from the input given to receive() or
// from the connection, and stay valid until the next call to receive().
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <span>
#include <string_view>
#include <variant>

#include "h2/error.hpp"
#include "h2/hpack/field.hpp"

namespace h2 {

enum class Initiator : std::uint8_t { local, remote };

enum class HeadersKind : std::uint8_t {
    request,        // server: a new stream's request header section
    response,       // client: the final response (status 2xx-5xx)
    informational,  // client: a 1xx response (more headers follow)
    trailers,       // either side: a trailer section (always ends the stream)
};

struct HeadersReceived {
    StreamId stream = 0;
    HeadersKind kind = HeadersKind::request;
    std::span<const hpack::HeaderField> fields;
    bool end_stream = false;
};

struct DataReceived {
    StreamId stream = 0;
    std::span<const std::uint8_t> data;
    bool end_stream = false;
};

// The stream ended with RST_STREAM, sent by us (local) or by the peer (remote).
struct StreamReset {
    StreamId stream = 0;
    ErrorCode code = ErrorCode::no_error;
    Initiator initiator = Initiator::remote;
};

// The stream is closed after END_STREAM both ways; its resources are gone.
struct StreamClosed {
    StreamId stream = 0;
};

// submit_data() can take more for this stream (its buffer drained below half).
struct StreamWritable {
    StreamId stream = 0;
};

// The peer's SETTINGS (already applied); entries as the peer sent them.
struct SettingsReceived {
    std::span<const std::uint8_t> payload;  // 6 octets per entry: frame::SettingsView(payload)
};

// A WINDOW_UPDATE from the peer (stream 0: the connection window).
struct WindowUpdateReceived {
    StreamId stream = 0;
    std::uint32_t increment = 0;
};

struct SettingsAcknowledged {};

struct PingReceived {
    std::array<std::uint8_t, 8> opaque_data{};
};

struct PingAcknowledged {
    std::array<std::uint8_t, 8> opaque_data{};
    std::chrono::nanoseconds round_trip{0};  // from submit_ping() to the ACK, by the engine's clock
};

struct GoawayReceived {
    StreamId last_stream_id = 0;
    ErrorCode code = ErrorCode::no_error;
    std::span<const std::uint8_t> debug_data;
};

// A stream we opened that the peer did not process: a retry elsewhere is safe (RFC 9113
// §8.1.4). `reason` says why; the stream is gone.
enum class NotProcessedReason : std::uint8_t {
    above_goaway_last_stream,  // sent, but above the last stream id of the peer's GOAWAY
    goaway_before_sent,        // buffered behind the peer's concurrency limit when a GOAWAY came
    closed_before_sent,        // buffered when the connection failed or was closed
};
struct StreamNotProcessed {
    StreamId stream = 0;
    NotProcessedReason reason = NotProcessedReason::above_goaway_last_stream;
};

// The connection failed: we sent GOAWAY with this code (local), or received one with an error
// code (remote). No more frames are processed.
struct ConnectionError {
    ErrorCode code = ErrorCode::no_error;
    std::string_view reason;
    Initiator initiator = Initiator::local;
};

struct PriorityUpdateReceived {
    StreamId stream = 0;
    std::string_view field_value;
};

struct PushPromiseReceived {
    StreamId stream = 0;
    StreamId promised_stream = 0;
    std::span<const hpack::HeaderField> fields;
};

struct UnknownFrameReceived {
    std::uint8_t type = 0;
    std::uint8_t flags = 0;
    StreamId stream = 0;
    std::span<const std::uint8_t> payload;
};

using Event = std::variant<HeadersReceived, DataReceived, StreamReset, StreamClosed, StreamWritable, SettingsReceived,
                           SettingsAcknowledged, PingReceived, PingAcknowledged, GoawayReceived, StreamNotProcessed,
                           ConnectionError, PriorityUpdateReceived, PushPromiseReceived, UnknownFrameReceived,
                           WindowUpdateReceived>;

}  // namespace h2
