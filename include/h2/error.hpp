// HTTP/2 error codes (RFC 9113 §7) and the error value every layer of libh2 reports.
#pragma once

#include <cstdint>
#include <string_view>

namespace h2 {

using StreamId = std::uint32_t;

// RFC 9113 §7. A peer may send any 32-bit value, so the enum is open: unknown codes
// are kept as they are and printed as their number.
enum class ErrorCode : std::uint32_t {
    no_error = 0x0,
    protocol_error = 0x1,
    internal_error = 0x2,
    flow_control_error = 0x3,
    settings_timeout = 0x4,
    stream_closed = 0x5,
    frame_size_error = 0x6,
    refused_stream = 0x7,
    cancel = 0x8,
    compression_error = 0x9,
    connect_error = 0xa,
    enhance_your_calm = 0xb,
    inadequate_security = 0xc,
    http_1_1_required = 0xd,
};

// "PROTOCOL_ERROR", ...; "UNKNOWN" for codes outside RFC 9113 §7.
std::string_view to_string(ErrorCode code) noexcept;

// RFC 9113 §5.4: a stream error resets one stream (RST_STREAM), a connection error ends
// the connection (GOAWAY).
enum class ErrorScope : std::uint8_t { stream, connection };

// An error found in what the peer sent. `reason` is a static string (h2o's err_desc):
// it never owns memory and ends up as GOAWAY debug data or in a log line.
struct ProtocolError {
    ErrorScope scope = ErrorScope::connection;
    ErrorCode code = ErrorCode::no_error;
    StreamId stream_id = 0;  // the stream to reset when scope == stream
    std::string_view reason;

    static constexpr ProtocolError connection(ErrorCode c, std::string_view why) noexcept {
        return {ErrorScope::connection, c, 0, why};
    }
    static constexpr ProtocolError stream(StreamId id, ErrorCode c, std::string_view why) noexcept {
        return {ErrorScope::stream, c, id, why};
    }
    friend bool operator==(const ProtocolError&, const ProtocolError&) = default;
};

}  // namespace h2
