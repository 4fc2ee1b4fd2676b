// Typed HTTP/2 frames (RFC 9113 §6, RFC 9218 §7.1). Every payload member is a view that
// borrows from the bytes the frame was parsed from; nothing here owns memory.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <variant>

#include "h2/error.hpp"
#include "h2/frame/header.hpp"
#include "h2/frame/settings.hpp"

namespace h2::frame {

using Bytes = std::span<const std::uint8_t>;

// RFC 9113 §5.3.2 / §6.3 (deprecated RFC 7540 priority signal; parsed, validated, not acted on).
struct PrioritySpec {
    StreamId dependency = 0;
    bool exclusive = false;
    std::uint8_t weight = 15;  // the wire value: the weight is weight + 1
    friend bool operator==(const PrioritySpec&, const PrioritySpec&) = default;
};

// RFC 9113 §6.1. `flow_controlled_length` is the whole payload length, padding included:
// it is what counts against flow-control windows.
struct DataFrame {
    StreamId stream_id = 0;
    bool end_stream = false;
    Bytes data;
    std::uint32_t flow_controlled_length = 0;
};

// RFC 9113 §6.2.
struct HeadersFrame {
    StreamId stream_id = 0;
    bool end_stream = false;
    bool end_headers = false;
    std::optional<PrioritySpec> priority;
    Bytes fragment;
};

// RFC 9113 §6.3.
struct PriorityFrame {
    StreamId stream_id = 0;
    PrioritySpec priority;
};

// RFC 9113 §6.4.
struct RstStreamFrame {
    StreamId stream_id = 0;
    ErrorCode error_code = ErrorCode::no_error;
};

// RFC 9113 §6.5. Entries are validated by the reader.
struct SettingsFrame {
    bool ack = false;
    SettingsView settings;
};

// RFC 9113 §6.6.
struct PushPromiseFrame {
    StreamId stream_id = 0;
    StreamId promised_stream_id = 0;
    bool end_headers = false;
    Bytes fragment;
};

// RFC 9113 §6.7.
struct PingFrame {
    bool ack = false;
    std::array<std::uint8_t, 8> opaque_data{};
};

// RFC 9113 §6.8.
struct GoawayFrame {
    StreamId last_stream_id = 0;
    ErrorCode error_code = ErrorCode::no_error;
    Bytes debug_data;
};

// RFC 9113 §6.9. An increment of 0 never reaches here: the parser reports it as a stream
// error (or a connection error on stream 0).
struct WindowUpdateFrame {
    StreamId stream_id = 0;
    std::uint32_t increment = 0;
};

// RFC 9113 §6.10.
struct ContinuationFrame {
    StreamId stream_id = 0;
    bool end_headers = false;
    Bytes fragment;
};

// RFC 9218 §7.1. Sent on stream 0; names the stream it reprioritizes.
struct PriorityUpdateFrame {
    StreamId prioritized_stream_id = 0;
    std::string_view field_value;
};

// RFC 9113 §4.1 and §5.5: frames of unknown type are kept and exposed, never an error.
struct UnknownFrame {
    std::uint8_t type = 0;
    std::uint8_t flags = 0;
    StreamId stream_id = 0;
    Bytes payload;
};

using Frame =
    std::variant<DataFrame, HeadersFrame, PriorityFrame, RstStreamFrame, SettingsFrame, PushPromiseFrame, PingFrame,
                 GoawayFrame, WindowUpdateFrame, ContinuationFrame, PriorityUpdateFrame, UnknownFrame>;

// The stream a frame belongs to (0 for connection-level frames).
StreamId stream_id_of(const Frame& f) noexcept;

// Parses one frame payload whose header has already been read and checked against the
// maximum frame size. Checks every per-type rule of RFC 9113 §6 (lengths, padding, stream
// 0 or not, setting values). Returns the error instead when one is broken.
std::optional<ProtocolError> parse_payload(const FrameHeader& h, Bytes payload, Frame& out);

}  // namespace h2::frame
