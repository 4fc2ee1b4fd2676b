// Frame writers (RFC 9113 §6, RFC 9218 §7.1). Each appends one or more whole frames to a
// byte vector; once the vector has grown to its working size, writing allocates nothing.
//
// The writers send what they are told: they are also used to build malformed frames in
// tests, so they check only what the wire format itself cannot express.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "h2/frame/frame.hpp"

namespace h2::frame {

using Buffer = std::vector<std::uint8_t>;

// Any frame, as it is: a HeadersFrame is written as one frame with its own END_HEADERS flag.
void write_frame(Buffer& out, const Frame& f);

// A frame from its parts, for frames the typed writers would refuse to produce.
void write_raw_frame(Buffer& out, std::uint8_t type, std::uint8_t flags, StreamId stream_id, Bytes payload);

// RFC 9113 §6.1. With `pad_length` > 0 the frame is PADDED with that many zero octets
// (the flow-controlled length is then data.size() + 1 + pad_length).
void write_data(Buffer& out, StreamId stream_id, Bytes data, bool end_stream, std::uint8_t pad_length = 0);
// Only the 9-octet header of a DATA frame, for a payload that the caller sends itself
// (sendfile). `length` is the payload length.
std::array<std::uint8_t, header_size> data_frame_header(StreamId stream_id, std::uint32_t length,
                                                        bool end_stream) noexcept;

// RFC 9113 §6.2 and §6.10: the header block goes out as HEADERS followed by as many
// CONTINUATION frames as `max_frame_size` requires; END_HEADERS is set on the last frame.
void write_headers(Buffer& out, StreamId stream_id, Bytes header_block, bool end_stream, std::uint32_t max_frame_size,
                   const PrioritySpec* priority = nullptr);
// RFC 9113 §6.6, split the same way.
void write_push_promise(Buffer& out, StreamId stream_id, StreamId promised_stream_id, Bytes header_block,
                        std::uint32_t max_frame_size);

void write_priority(Buffer& out, StreamId stream_id, const PrioritySpec& priority);
void write_rst_stream(Buffer& out, StreamId stream_id, ErrorCode code);
void write_settings(Buffer& out, std::span<const Setting> settings);
void write_settings_ack(Buffer& out);
void write_ping(Buffer& out, const std::array<std::uint8_t, 8>& opaque_data, bool ack);
void write_goaway(Buffer& out, StreamId last_stream_id, ErrorCode code, Bytes debug_data);
void write_window_update(Buffer& out, StreamId stream_id, std::uint32_t increment);
void write_priority_update(Buffer& out, StreamId prioritized_stream_id, std::string_view field_value);

}  // namespace h2::frame
