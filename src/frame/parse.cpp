// Per-type payload rules of RFC 9113 §6 and RFC 9218 §7.1.
#include <cstring>

#include "h2/frame/frame.hpp"

namespace h2::frame {
namespace {

using E = ErrorCode;

std::optional<ProtocolError> conn(E code, std::string_view why) { return ProtocolError::connection(code, why); }

PrioritySpec read_priority(const std::uint8_t* p) {
    const std::uint32_t dep = read_u32(p);
    return {dep & max_stream_id, (dep & 0x80000000u) != 0, p[4]};
}

// Strips the Pad Length field and the padding (RFC 9113 §6.1, §6.2, §6.6). `fixed` is the
// length of the fields that follow Pad Length (priority, promised stream id).
std::optional<ProtocolError> strip_padding(const FrameHeader& h, Bytes& payload, std::size_t fixed) {
    std::size_t pad = 0;
    if (h.has(flags::padded)) {
        if (payload.empty()) return conn(E::frame_size_error, "padded frame without Pad Length");
        pad = payload[0];
        payload = payload.subspan(1);
    }
    if (payload.size() < fixed) return conn(E::frame_size_error, "frame too short for its fields");
    if (pad > payload.size() - fixed) {
        return conn(E::protocol_error, "padding longer than the frame payload");
    }
    payload = payload.first(payload.size() - pad);
    return std::nullopt;
}

std::optional<ProtocolError> parse_data(const FrameHeader& h, Bytes p, Frame& out) {
    if (h.stream_id == 0) return conn(E::protocol_error, "DATA on stream 0");
    if (auto err = strip_padding(h, p, 0)) return err;
    out = DataFrame{h.stream_id, h.has(flags::end_stream), p, h.length};
    return std::nullopt;
}

std::optional<ProtocolError> parse_headers(const FrameHeader& h, Bytes p, Frame& out) {
    if (h.stream_id == 0) return conn(E::protocol_error, "HEADERS on stream 0");
    const std::size_t fixed = h.has(flags::priority) ? 5 : 0;
    if (auto err = strip_padding(h, p, fixed)) return err;
    HeadersFrame f{h.stream_id, h.has(flags::end_stream), h.has(flags::end_headers), {}, {}};
    if (fixed) f.priority = read_priority(p.data());
    f.fragment = p.subspan(fixed);
    out = f;
    return std::nullopt;
}

std::optional<ProtocolError> parse_priority(const FrameHeader& h, Bytes p, Frame& out) {
    if (h.stream_id == 0) return conn(E::protocol_error, "PRIORITY on stream 0");
    if (p.size() != 5) {
        return ProtocolError::stream(h.stream_id, E::frame_size_error, "PRIORITY length is not 5");
    }
    out = PriorityFrame{h.stream_id, read_priority(p.data())};
    return std::nullopt;
}

std::optional<ProtocolError> parse_rst_stream(const FrameHeader& h, Bytes p, Frame& out) {
    if (h.stream_id == 0) return conn(E::protocol_error, "RST_STREAM on stream 0");
    if (p.size() != 4) return conn(E::frame_size_error, "RST_STREAM length is not 4");
    out = RstStreamFrame{h.stream_id, static_cast<ErrorCode>(read_u32(p.data()))};
    return std::nullopt;
}

std::optional<ProtocolError> parse_settings(const FrameHeader& h, Bytes p, Frame& out) {
    if (h.stream_id != 0) return conn(E::protocol_error, "SETTINGS on a stream");
    const bool ack = h.has(flags::ack);
    if (ack && !p.empty()) return conn(E::frame_size_error, "SETTINGS ACK with a payload");
    if (p.size() % setting_size != 0) {
        return conn(E::frame_size_error, "SETTINGS length is not a multiple of 6");
    }
    SettingsView view(p);
    for (Setting s : view) {
        if (auto err = validate_setting(s)) return err;
    }
    out = SettingsFrame{ack, view};
    return std::nullopt;
}

std::optional<ProtocolError> parse_push_promise(const FrameHeader& h, Bytes p, Frame& out) {
    if (h.stream_id == 0) return conn(E::protocol_error, "PUSH_PROMISE on stream 0");
    if (auto err = strip_padding(h, p, 4)) return err;
    out = PushPromiseFrame{h.stream_id, read_u32(p.data()) & max_stream_id, h.has(flags::end_headers), p.subspan(4)};
    return std::nullopt;
}

std::optional<ProtocolError> parse_ping(const FrameHeader& h, Bytes p, Frame& out) {
    if (h.stream_id != 0) return conn(E::protocol_error, "PING on a stream");
    if (p.size() != 8) return conn(E::frame_size_error, "PING length is not 8");
    PingFrame f{h.has(flags::ack), {}};
    std::memcpy(f.opaque_data.data(), p.data(), 8);
    out = f;
    return std::nullopt;
}

std::optional<ProtocolError> parse_goaway(const FrameHeader& h, Bytes p, Frame& out) {
    if (h.stream_id != 0) return conn(E::protocol_error, "GOAWAY on a stream");
    if (p.size() < 8) return conn(E::frame_size_error, "GOAWAY shorter than 8 octets");
    out = GoawayFrame{read_u32(p.data()) & max_stream_id, static_cast<ErrorCode>(read_u32(p.data() + 4)), p.subspan(8)};
    return std::nullopt;
}

std::optional<ProtocolError> parse_window_update(const FrameHeader& h, Bytes p, Frame& out) {
    if (p.size() != 4) return conn(E::frame_size_error, "WINDOW_UPDATE length is not 4");
    const std::uint32_t increment = read_u32(p.data()) & max_window_size;
    if (increment == 0) {
        if (h.stream_id == 0) return conn(E::protocol_error, "WINDOW_UPDATE increment of 0");
        return ProtocolError::stream(h.stream_id, E::protocol_error, "WINDOW_UPDATE increment of 0");
    }
    out = WindowUpdateFrame{h.stream_id, increment};
    return std::nullopt;
}

std::optional<ProtocolError> parse_continuation(const FrameHeader& h, Bytes p, Frame& out) {
    if (h.stream_id == 0) return conn(E::protocol_error, "CONTINUATION on stream 0");
    out = ContinuationFrame{h.stream_id, h.has(flags::end_headers), p};
    return std::nullopt;
}

std::optional<ProtocolError> parse_priority_update(const FrameHeader& h, Bytes p, Frame& out) {
    if (h.stream_id != 0) return conn(E::protocol_error, "PRIORITY_UPDATE on a stream");
    if (p.size() < 4) return conn(E::frame_size_error, "PRIORITY_UPDATE shorter than 4 octets");
    const StreamId id = read_u32(p.data()) & max_stream_id;
    if (id == 0) return conn(E::protocol_error, "PRIORITY_UPDATE for stream 0");
    const Bytes value = p.subspan(4);
    out = PriorityUpdateFrame{id, std::string_view(reinterpret_cast<const char*>(value.data()), value.size())};
    return std::nullopt;
}

}  // namespace

StreamId stream_id_of(const Frame& f) noexcept {
    return std::visit(
        [](const auto& x) -> StreamId {
            if constexpr (requires { x.stream_id; }) {
                return x.stream_id;
            } else {
                (void)x;
                return 0;
            }
        },
        f);
}

std::optional<ProtocolError> parse_payload(const FrameHeader& h, Bytes payload, Frame& out) {
    switch (static_cast<Type>(h.type)) {
        case Type::data:
            return parse_data(h, payload, out);
        case Type::headers:
            return parse_headers(h, payload, out);
        case Type::priority:
            return parse_priority(h, payload, out);
        case Type::rst_stream:
            return parse_rst_stream(h, payload, out);
        case Type::settings:
            return parse_settings(h, payload, out);
        case Type::push_promise:
            return parse_push_promise(h, payload, out);
        case Type::ping:
            return parse_ping(h, payload, out);
        case Type::goaway:
            return parse_goaway(h, payload, out);
        case Type::window_update:
            return parse_window_update(h, payload, out);
        case Type::continuation:
            return parse_continuation(h, payload, out);
        case Type::priority_update:
            return parse_priority_update(h, payload, out);
    }
    out = UnknownFrame{h.type, h.flags, h.stream_id, payload};
    return std::nullopt;
}

}  // namespace h2::frame
