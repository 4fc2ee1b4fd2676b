#include "h2/frame/writer.hpp"

#include <algorithm>
#include <cstring>

namespace h2::frame {
namespace {

// Appends a frame header and returns a pointer to `length` octets of payload to fill.
std::uint8_t* append_frame(Buffer& out, std::uint8_t type, std::uint8_t fl, StreamId id, std::size_t length) {
    const std::size_t at = out.size();
    out.resize(at + header_size + length);
    std::uint8_t* p = out.data() + at;
    write_header(p, {static_cast<std::uint32_t>(length), type, fl, id});
    return p + header_size;
}

std::uint8_t* append_frame(Buffer& out, Type type, std::uint8_t fl, StreamId id, std::size_t length) {
    return append_frame(out, static_cast<std::uint8_t>(type), fl, id, length);
}

void copy(std::uint8_t* dst, Bytes src) {
    if (!src.empty()) std::memcpy(dst, src.data(), src.size());
}

// Appends a frame header and a payload of `prefix` then `body`, copying each octet once
// (resize() would zero-fill the payload first).
void append_copy(Buffer& out, Type type, std::uint8_t fl, StreamId id, Bytes prefix, Bytes body) {
    std::uint8_t h[header_size];
    write_header(h, {static_cast<std::uint32_t>(prefix.size() + body.size()), static_cast<std::uint8_t>(type), fl, id});
    out.reserve(out.size() + header_size + prefix.size() + body.size());
    out.insert(out.end(), h, h + header_size);
    out.insert(out.end(), prefix.begin(), prefix.end());
    out.insert(out.end(), body.begin(), body.end());
}

void write_priority_fields(std::uint8_t* p, const PrioritySpec& s) {
    write_u32(p, (s.dependency & max_stream_id) | (s.exclusive ? 0x80000000u : 0u));
    p[4] = s.weight;
}

// Writes the CONTINUATION frames for what is left of a header block after its first frame.
void write_continuations(Buffer& out, StreamId id, Bytes rest, std::uint32_t max_frame_size) {
    while (!rest.empty()) {
        const std::size_t n = std::min<std::size_t>(rest.size(), max_frame_size);
        const std::uint8_t fl = n == rest.size() ? flags::end_headers : 0;
        append_copy(out, Type::continuation, fl, id, {}, rest.first(n));
        rest = rest.subspan(n);
    }
}

}  // namespace

void write_raw_frame(Buffer& out, std::uint8_t type, std::uint8_t fl, StreamId id, Bytes payload) {
    append_copy(out, static_cast<Type>(type), fl, id, {}, payload);
}

void write_data(Buffer& out, StreamId id, Bytes data, bool end_stream, std::uint8_t pad_length) {
    std::uint8_t fl = end_stream ? flags::end_stream : 0;
    if (pad_length == 0) {
        append_copy(out, Type::data, fl, id, {}, data);
        return;
    }
    fl |= flags::padded;
    std::uint8_t* p = append_frame(out, Type::data, fl, id, 1 + data.size() + pad_length);
    p[0] = pad_length;
    copy(p + 1, data);
    std::memset(p + 1 + data.size(), 0, pad_length);
}

std::array<std::uint8_t, header_size> data_frame_header(StreamId id, std::uint32_t length, bool end_stream) noexcept {
    std::array<std::uint8_t, header_size> h{};
    write_header(h.data(), {length, static_cast<std::uint8_t>(Type::data),
                            static_cast<std::uint8_t>(end_stream ? flags::end_stream : 0), id});
    return h;
}

void write_headers(Buffer& out, StreamId id, Bytes block, bool end_stream, std::uint32_t max_frame_size,
                   const PrioritySpec* priority) {
    const std::size_t fixed = priority ? 5 : 0;
    const std::size_t first = std::min<std::size_t>(block.size(), max_frame_size - fixed);
    std::uint8_t fl = end_stream ? flags::end_stream : 0;
    if (first == block.size()) fl |= flags::end_headers;
    if (priority) fl |= flags::priority;
    std::uint8_t prio[5];
    if (priority) write_priority_fields(prio, *priority);
    append_copy(out, Type::headers, fl, id, {prio, fixed}, block.first(first));
    write_continuations(out, id, block.subspan(first), max_frame_size);
}

void write_push_promise(Buffer& out, StreamId id, StreamId promised, Bytes block, std::uint32_t max_frame_size) {
    const std::size_t first = std::min<std::size_t>(block.size(), max_frame_size - 4);
    const std::uint8_t fl = first == block.size() ? flags::end_headers : 0;
    std::uint8_t* p = append_frame(out, Type::push_promise, fl, id, 4 + first);
    write_u32(p, promised & max_stream_id);
    copy(p + 4, block.first(first));
    write_continuations(out, id, block.subspan(first), max_frame_size);
}

void write_priority(Buffer& out, StreamId id, const PrioritySpec& priority) {
    write_priority_fields(append_frame(out, Type::priority, 0, id, 5), priority);
}

void write_rst_stream(Buffer& out, StreamId id, ErrorCode code) {
    write_u32(append_frame(out, Type::rst_stream, 0, id, 4), static_cast<std::uint32_t>(code));
}

void write_settings(Buffer& out, std::span<const Setting> settings) {
    std::uint8_t* p = append_frame(out, Type::settings, 0, 0, settings.size() * setting_size);
    for (const Setting& s : settings) {
        p[0] = static_cast<std::uint8_t>(s.id >> 8);
        p[1] = static_cast<std::uint8_t>(s.id);
        write_u32(p + 2, s.value);
        p += setting_size;
    }
}

void write_settings_ack(Buffer& out) { append_frame(out, Type::settings, flags::ack, 0, 0); }

void write_ping(Buffer& out, const std::array<std::uint8_t, 8>& opaque, bool ack) {
    std::memcpy(append_frame(out, Type::ping, ack ? flags::ack : 0, 0, 8), opaque.data(), 8);
}

void write_goaway(Buffer& out, StreamId last, ErrorCode code, Bytes debug) {
    std::uint8_t* p = append_frame(out, Type::goaway, 0, 0, 8 + debug.size());
    write_u32(p, last & max_stream_id);
    write_u32(p + 4, static_cast<std::uint32_t>(code));
    copy(p + 8, debug);
}

void write_window_update(Buffer& out, StreamId id, std::uint32_t increment) {
    write_u32(append_frame(out, Type::window_update, 0, id, 4), increment & max_window_size);
}

void write_priority_update(Buffer& out, StreamId prioritized, std::string_view value) {
    std::uint8_t* p = append_frame(out, Type::priority_update, 0, 0, 4 + value.size());
    write_u32(p, prioritized & max_stream_id);
    if (!value.empty()) std::memcpy(p + 4, value.data(), value.size());
}

void write_frame(Buffer& out, const Frame& frame) {
    struct Visitor {
        Buffer& out;
        void operator()(const DataFrame& f) {
            write_raw_frame(out, static_cast<std::uint8_t>(Type::data), f.end_stream ? flags::end_stream : 0,
                            f.stream_id, f.data);
        }
        void operator()(const HeadersFrame& f) {
            std::uint8_t fl = (f.end_stream ? flags::end_stream : 0) | (f.end_headers ? flags::end_headers : 0) |
                              (f.priority ? flags::priority : 0);
            const std::size_t fixed = f.priority ? 5 : 0;
            std::uint8_t* p = append_frame(out, Type::headers, fl, f.stream_id, fixed + f.fragment.size());
            if (f.priority) write_priority_fields(p, *f.priority);
            copy(p + fixed, f.fragment);
        }
        void operator()(const PriorityFrame& f) { write_priority(out, f.stream_id, f.priority); }
        void operator()(const RstStreamFrame& f) { write_rst_stream(out, f.stream_id, f.error_code); }
        void operator()(const SettingsFrame& f) {
            write_raw_frame(out, static_cast<std::uint8_t>(Type::settings), f.ack ? flags::ack : 0, 0,
                            f.settings.payload());
        }
        void operator()(const PushPromiseFrame& f) {
            std::uint8_t* p = append_frame(out, Type::push_promise, f.end_headers ? flags::end_headers : 0, f.stream_id,
                                           4 + f.fragment.size());
            write_u32(p, f.promised_stream_id & max_stream_id);
            copy(p + 4, f.fragment);
        }
        void operator()(const PingFrame& f) { write_ping(out, f.opaque_data, f.ack); }
        void operator()(const GoawayFrame& f) { write_goaway(out, f.last_stream_id, f.error_code, f.debug_data); }
        void operator()(const WindowUpdateFrame& f) { write_window_update(out, f.stream_id, f.increment); }
        void operator()(const ContinuationFrame& f) {
            write_raw_frame(out, static_cast<std::uint8_t>(Type::continuation), f.end_headers ? flags::end_headers : 0,
                            f.stream_id, f.fragment);
        }
        void operator()(const PriorityUpdateFrame& f) {
            write_priority_update(out, f.prioritized_stream_id, f.field_value);
        }
        void operator()(const UnknownFrame& f) { write_raw_frame(out, f.type, f.flags, f.stream_id, f.payload); }
    };
    std::visit(Visitor{out}, frame);
}

}  // namespace h2::frame
