// The 9-octet frame header (RFC 9113 §4.1) and the frame type and flag constants.
#pragma once

#include <cstddef>
#include <cstdint>

#include "h2/error.hpp"

namespace h2::frame {

inline constexpr std::size_t header_size = 9;

// RFC 9113 §4.2 and §6.5.2.
inline constexpr std::uint32_t default_max_frame_size = 16384;
inline constexpr std::uint32_t max_allowed_frame_size = (1u << 24) - 1;
// RFC 9113 §6.9: windows and increments are at most 2^31-1.
inline constexpr std::uint32_t max_window_size = 0x7fffffffu;
inline constexpr std::uint32_t default_initial_window_size = 65535;
inline constexpr std::uint32_t max_stream_id = 0x7fffffffu;

// RFC 9113 §6 and RFC 9218 §7.1.
enum class Type : std::uint8_t {
    data = 0x0,
    headers = 0x1,
    priority = 0x2,
    rst_stream = 0x3,
    settings = 0x4,
    push_promise = 0x5,
    ping = 0x6,
    goaway = 0x7,
    window_update = 0x8,
    continuation = 0x9,
    priority_update = 0x10,
};

// Flag bits (RFC 9113 §6). END_STREAM and ACK share a bit on different frame types.
namespace flags {
inline constexpr std::uint8_t end_stream = 0x1;
inline constexpr std::uint8_t ack = 0x1;
inline constexpr std::uint8_t end_headers = 0x4;
inline constexpr std::uint8_t padded = 0x8;
inline constexpr std::uint8_t priority = 0x20;
}  // namespace flags

struct FrameHeader {
    std::uint32_t length = 0;  // 24 bits
    std::uint8_t type = 0;     // raw, so that unknown types survive
    std::uint8_t flags = 0;
    StreamId stream_id = 0;  // the reserved bit is masked off when parsing

    bool has(std::uint8_t flag) const noexcept { return (flags & flag) != 0; }
    friend bool operator==(const FrameHeader&, const FrameHeader&) = default;
};

// Reads 9 octets. The reserved bit of the stream identifier is ignored (RFC 9113 §4.1).
inline FrameHeader parse_header(const std::uint8_t* p) noexcept {
    FrameHeader h;
    h.length = (std::uint32_t{p[0]} << 16) | (std::uint32_t{p[1]} << 8) | p[2];
    h.type = p[3];
    h.flags = p[4];
    h.stream_id =
        ((std::uint32_t{p[5]} << 24) | (std::uint32_t{p[6]} << 16) | (std::uint32_t{p[7]} << 8) | p[8]) & max_stream_id;
    return h;
}

// Writes 9 octets; the reserved bit is sent as 0. `h.length` must fit in 24 bits.
inline void write_header(std::uint8_t* p, const FrameHeader& h) noexcept {
    p[0] = static_cast<std::uint8_t>(h.length >> 16);
    p[1] = static_cast<std::uint8_t>(h.length >> 8);
    p[2] = static_cast<std::uint8_t>(h.length);
    p[3] = h.type;
    p[4] = h.flags;
    const StreamId id = h.stream_id & max_stream_id;
    p[5] = static_cast<std::uint8_t>(id >> 24);
    p[6] = static_cast<std::uint8_t>(id >> 16);
    p[7] = static_cast<std::uint8_t>(id >> 8);
    p[8] = static_cast<std::uint8_t>(id);
}

inline std::uint32_t read_u32(const std::uint8_t* p) noexcept {
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

inline void write_u32(std::uint8_t* p, std::uint32_t v) noexcept {
    p[0] = static_cast<std::uint8_t>(v >> 24);
    p[1] = static_cast<std::uint8_t>(v >> 16);
    p[2] = static_cast<std::uint8_t>(v >> 8);
    p[3] = static_cast<std::uint8_t>(v);
}

}  // namespace h2::frame
