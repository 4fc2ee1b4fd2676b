#include "h2/frame/reader.hpp"

#include <algorithm>

namespace h2::frame {
namespace {
// A buffer that grew beyond this for one large frame is given back once the frame is done,
// so an idle connection does not keep a 16 MiB allocation.
constexpr std::size_t kRetainedBufferCapacity = 64 * 1024;
}  // namespace

FrameReader::Status FrameReader::fail(ProtocolError err, ProtocolError& out) noexcept {
    failed_ = true;
    failure_ = err;
    out = err;
    return Status::error;
}

// Rules that can be checked from the header alone, so that a bad frame is refused before
// its payload is buffered.
std::optional<ProtocolError> FrameReader::check_header(const FrameHeader& h) const noexcept {
    // RFC 9113 §4.2.
    if (h.length > max_frame_size_) {
        return ProtocolError::connection(ErrorCode::frame_size_error, "frame larger than SETTINGS_MAX_FRAME_SIZE");
    }
    // RFC 9113 §6.10 and §4.3: a header block is a contiguous sequence of frames.
    const auto type = static_cast<Type>(h.type);
    if (continuation_stream_ != 0) {
        if (type != Type::continuation) {
            return ProtocolError::connection(ErrorCode::protocol_error, "expected CONTINUATION inside a header block");
        }
        if (h.stream_id != continuation_stream_) {
            return ProtocolError::connection(ErrorCode::protocol_error, "CONTINUATION on a different stream");
        }
    } else if (type == Type::continuation) {
        return ProtocolError::connection(ErrorCode::protocol_error, "CONTINUATION without an open header block");
    }
    return std::nullopt;
}

FrameReader::Status FrameReader::finish(const FrameHeader& h, Bytes payload, Frame& frame, ProtocolError& error) {
    if (auto err = parse_payload(h, payload, frame)) {
        if (err->scope == ErrorScope::connection) return fail(*err, error);
        error = *err;
        return Status::error;
    }
    const auto type = static_cast<Type>(h.type);
    if (type == Type::headers || type == Type::push_promise || type == Type::continuation) {
        continuation_stream_ = h.has(flags::end_headers) ? 0 : h.stream_id;
    }
    return Status::frame;
}

FrameReader::Status FrameReader::next(std::span<const std::uint8_t>& input, Frame& frame, ProtocolError& error) {
    if (failed_) {
        error = failure_;
        return Status::error;
    }
    if (release_buffer_) {
        release_buffer_ = false;
        buffer_.clear();
        if (buffer_.capacity() > kRetainedBufferCapacity) std::vector<std::uint8_t>().swap(buffer_);
    }

    // Fast path: a whole frame in the input, nothing buffered. No copy.
    if (buffer_.empty() && input.size() >= header_size) {
        const FrameHeader h = parse_header(input.data());
        if (auto err = check_header(h)) return fail(*err, error);
        if (input.size() - header_size >= h.length) {
            const Bytes payload = input.subspan(header_size, h.length);
            input = input.subspan(header_size + h.length);
            return finish(h, payload, frame, error);
        }
    }

    // Slow path: gather the header, check it, then gather the payload.
    if (buffer_.size() < header_size) {
        const std::size_t take = std::min(header_size - buffer_.size(), input.size());
        buffer_.insert(buffer_.end(), input.begin(), input.begin() + take);
        input = input.subspan(take);
        if (buffer_.size() < header_size) return Status::need_more;
        const FrameHeader h = parse_header(buffer_.data());
        if (auto err = check_header(h)) return fail(*err, error);
        buffer_.reserve(header_size + h.length);
    }
    const FrameHeader h = parse_header(buffer_.data());
    const std::size_t missing = header_size + h.length - buffer_.size();
    const std::size_t take = std::min(missing, input.size());
    buffer_.insert(buffer_.end(), input.begin(), input.begin() + take);
    input = input.subspan(take);
    if (take < missing) return Status::need_more;
    release_buffer_ = true;
    return finish(h, Bytes(buffer_).subspan(header_size), frame, error);
}

}  // namespace h2::frame
