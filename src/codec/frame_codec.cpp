#include "h2/codec/frame_codec.hpp"

namespace h2::codec {

SubmitError FrameCodec::write_headers(FrameStream& stream, Connection::Fields fields, bool end_stream) {
    if (stream.id == 0) {
        const auto r = c_.submit_request(fields, end_stream);
        if (r) stream.id = r.value;
        return r.error;
    }
    if (c_.role() == Role::server) {
        const SubmitError e = c_.submit_response(stream.id, fields, end_stream);
        // Once the response has started, another HEADERS is the trailers.
        if (e != SubmitError::wrong_state || !end_stream) return e;
    }
    return c_.submit_trailers(stream.id, fields);
}

SubmitResult<std::size_t> FrameCodec::write_data(const FrameStream& stream, std::span<const std::uint8_t> data,
                                                 bool end_stream) {
    return c_.submit_data(stream.id, data, end_stream);
}

SubmitError FrameCodec::write_rst_stream(const FrameStream& stream, ErrorCode code) {
    return c_.reset_stream(stream.id, code);
}

void FrameCodec::write_window_update(const FrameStream& stream, std::uint32_t increment) {
    if (stream.id == 0) {
        c_.grow_connection_window(increment);
    } else {
        c_.release_received_data(stream.id, increment);
    }
}

}  // namespace h2::codec
