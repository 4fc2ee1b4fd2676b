// Incremental frame reader (RFC 9113 §4). Feed it bytes as they arrive, in any split;
// it yields whole frames, the same sequence for every split of the same input.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "h2/error.hpp"
#include "h2/frame/frame.hpp"

namespace h2::frame {

class FrameReader {
public:
    enum class Status : std::uint8_t {
        frame,      // `frame` holds the next frame
        need_more,  // all input was consumed; call again with more bytes
        error,      // `error` holds a protocol error (see below)
    };

    // `max_frame_size` is the SETTINGS_MAX_FRAME_SIZE this endpoint advertised.
    explicit FrameReader(std::uint32_t max_frame_size = default_max_frame_size) noexcept
        : max_frame_size_(max_frame_size) {}

    // Reads at most one frame from `input` and advances `input` past what it consumed.
    //
    // Frame payload views borrow from `input` when the frame arrived in one piece, and from
    // the reader's own buffer otherwise; either way they stay valid until the next call.
    //
    // On a stream error (e.g. a PRIORITY frame of the wrong length) the offending frame has
    // been consumed and reading can go on. On a connection error the reader stops: every
    // later call returns the same error.
    Status next(std::span<const std::uint8_t>& input, Frame& frame, ProtocolError& error);

    // Changes the limit for frames whose header has not been read yet (RFC 9113 §4.2: a
    // new SETTINGS_MAX_FRAME_SIZE applies once the peer has acknowledged it).
    void set_max_frame_size(std::uint32_t n) noexcept { max_frame_size_ = n; }
    std::uint32_t max_frame_size() const noexcept { return max_frame_size_; }

    // The stream whose header block is open (a HEADERS or PUSH_PROMISE without END_HEADERS
    // was read), or 0. While it is open only CONTINUATION frames of that stream are legal.
    StreamId open_header_block() const noexcept { return continuation_stream_; }

    // Bytes held for a frame that has not arrived completely.
    std::size_t buffered() const noexcept { return buffer_.size(); }

private:
    Status fail(ProtocolError err, ProtocolError& out) noexcept;
    std::optional<ProtocolError> check_header(const FrameHeader& h) const noexcept;
    Status finish(const FrameHeader& h, Bytes payload, Frame& frame, ProtocolError& error);

    std::uint32_t max_frame_size_;
    StreamId continuation_stream_ = 0;
    std::vector<std::uint8_t> buffer_;  // a partial frame: header then payload
    bool release_buffer_ = false;       // the buffer backs the last frame returned
    bool failed_ = false;
    ProtocolError failure_;
};

}  // namespace h2::frame
