// The frame-codec surface (Netty's Http2FrameCodec) over an h2::Connection: the application
// writes frame objects and reads frame objects, while the connection keeps the stream states,
// flow control and limits.
//
// Inbound frames are the Connection's events, one per frame or per header block:
// HeadersReceived (HEADERS + CONTINUATION, fields decoded), DataReceived, StreamReset
// (RST_STREAM), SettingsReceived, PingReceived / PingAcknowledged, GoawayReceived,
// WindowUpdateReceived, PriorityUpdateReceived, PushPromiseReceived, UnknownFrameReceived.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

#include "h2/connection/connection.hpp"

namespace h2::codec {

// A stream handle (Netty's Http2FrameStream): a new one has id 0 until its first HEADERS is
// written, which gives it the next stream id of this side.
struct FrameStream {
    StreamId id = 0;
};

class FrameCodec {
public:
    explicit FrameCodec(Connection& connection) noexcept : c_(connection) {}

    FrameStream new_stream() const noexcept { return {}; }

    // HEADERS. On a new stream (client) it opens the stream and assigns the id; on an open
    // stream it is the response (server, 1xx first if any) or the trailers.
    SubmitError write_headers(FrameStream& stream, Connection::Fields fields, bool end_stream);
    // DATA: the value is the octets taken (the stream's buffer is bounded: see StreamWritable).
    SubmitResult<std::size_t> write_data(const FrameStream& stream, std::span<const std::uint8_t> data,
                                         bool end_stream);
    SubmitError write_rst_stream(const FrameStream& stream, ErrorCode code);
    void write_ping(const std::array<std::uint8_t, 8>& opaque_data) { c_.submit_ping(opaque_data); }
    void write_goaway(ErrorCode code, std::string_view debug = {}) { c_.goaway(code, debug); }
    // WINDOW_UPDATE: on a stream, gives back `increment` octets of credit the application has
    // consumed (Netty's consumeBytes; the connection's credit follows); on the connection
    // (id 0), raises the connection window by `increment`.
    void write_window_update(const FrameStream& stream, std::uint32_t increment);
    SubmitError write_priority_update(const FrameStream& stream, std::string_view field_value) {
        return c_.submit_priority_update(stream.id, field_value);
    }
    void write_unknown(std::uint8_t type, std::uint8_t flags, const FrameStream& stream,
                       std::span<const std::uint8_t> payload) {
        c_.submit_extension_frame(type, flags, stream.id, payload);
    }

    Connection& connection() noexcept { return c_; }

private:
    Connection& c_;
};

}  // namespace h2::codec
