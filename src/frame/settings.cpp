#include "h2/frame/settings.hpp"

namespace h2::frame {

std::optional<ProtocolError> validate_setting(Setting s) noexcept {
    switch (static_cast<SettingId>(s.id)) {
        case SettingId::enable_push:  // RFC 9113 §6.5.2
            if (s.value > 1) {
                return ProtocolError::connection(ErrorCode::protocol_error, "SETTINGS_ENABLE_PUSH must be 0 or 1");
            }
            break;
        case SettingId::initial_window_size:  // RFC 9113 §6.5.2
            if (s.value > max_window_size) {
                return ProtocolError::connection(ErrorCode::flow_control_error,
                                                 "SETTINGS_INITIAL_WINDOW_SIZE above 2^31-1");
            }
            break;
        case SettingId::max_frame_size:  // RFC 9113 §6.5.2
            if (s.value < default_max_frame_size || s.value > max_allowed_frame_size) {
                return ProtocolError::connection(ErrorCode::protocol_error,
                                                 "SETTINGS_MAX_FRAME_SIZE outside 2^14..2^24-1");
            }
            break;
        case SettingId::enable_connect_protocol:  // RFC 8441 §3
            if (s.value > 1) {
                return ProtocolError::connection(ErrorCode::protocol_error,
                                                 "SETTINGS_ENABLE_CONNECT_PROTOCOL must be 0 or 1");
            }
            break;
        case SettingId::no_rfc7540_priorities:  // RFC 9218 §2.1
            if (s.value > 1) {
                return ProtocolError::connection(ErrorCode::protocol_error,
                                                 "SETTINGS_NO_RFC7540_PRIORITIES must be 0 or 1");
            }
            break;
        default:
            break;
    }
    return std::nullopt;
}

}  // namespace h2::frame
