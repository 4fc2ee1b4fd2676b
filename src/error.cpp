#include "h2/error.hpp"

namespace h2 {

std::string_view to_string(ErrorCode code) noexcept {
    switch (code) {
        case ErrorCode::no_error:
            return "NO_ERROR";
        case ErrorCode::protocol_error:
            return "PROTOCOL_ERROR";
        case ErrorCode::internal_error:
            return "INTERNAL_ERROR";
        case ErrorCode::flow_control_error:
            return "FLOW_CONTROL_ERROR";
        case ErrorCode::settings_timeout:
            return "SETTINGS_TIMEOUT";
        case ErrorCode::stream_closed:
            return "STREAM_CLOSED";
        case ErrorCode::frame_size_error:
            return "FRAME_SIZE_ERROR";
        case ErrorCode::refused_stream:
            return "REFUSED_STREAM";
        case ErrorCode::cancel:
            return "CANCEL";
        case ErrorCode::compression_error:
            return "COMPRESSION_ERROR";
        case ErrorCode::connect_error:
            return "CONNECT_ERROR";
        case ErrorCode::enhance_your_calm:
            return "ENHANCE_YOUR_CALM";
        case ErrorCode::inadequate_security:
            return "INADEQUATE_SECURITY";
        case ErrorCode::http_1_1_required:
            return "HTTP_1_1_REQUIRED";
    }
    return "UNKNOWN";
}

}  // namespace h2
