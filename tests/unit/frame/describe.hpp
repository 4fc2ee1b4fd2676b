// Renders frames and reader results as text, so tests can compare whole sequences.
#pragma once

#include <sstream>
#include <string>
#include <vector>

#include "h2/frame/reader.hpp"
#include "test_util.hpp"

namespace h2::test {

inline std::string describe(const frame::Frame& f) {
    using namespace h2::frame;
    std::ostringstream o;
    std::visit(
        [&](const auto& x) {
            using T = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<T, DataFrame>) {
                o << "DATA s=" << x.stream_id << " es=" << x.end_stream << " fcl=" << x.flow_controlled_length << " '"
                  << str(x.data) << "'";
            } else if constexpr (std::is_same_v<T, HeadersFrame>) {
                o << "HEADERS s=" << x.stream_id << " es=" << x.end_stream << " eh=" << x.end_headers;
                if (x.priority) {
                    o << " dep=" << x.priority->dependency << " ex=" << x.priority->exclusive
                      << " w=" << int(x.priority->weight);
                }
                o << " '" << str(x.fragment) << "'";
            } else if constexpr (std::is_same_v<T, PriorityFrame>) {
                o << "PRIORITY s=" << x.stream_id << " dep=" << x.priority.dependency << " ex=" << x.priority.exclusive
                  << " w=" << int(x.priority.weight);
            } else if constexpr (std::is_same_v<T, RstStreamFrame>) {
                o << "RST_STREAM s=" << x.stream_id << " " << to_string(x.error_code);
            } else if constexpr (std::is_same_v<T, SettingsFrame>) {
                o << "SETTINGS ack=" << x.ack;
                for (Setting s : x.settings) o << " " << s.id << "=" << s.value;
            } else if constexpr (std::is_same_v<T, PushPromiseFrame>) {
                o << "PUSH_PROMISE s=" << x.stream_id << " p=" << x.promised_stream_id << " eh=" << x.end_headers
                  << " '" << str(x.fragment) << "'";
            } else if constexpr (std::is_same_v<T, PingFrame>) {
                o << "PING ack=" << x.ack << " '" << str(x.opaque_data) << "'";
            } else if constexpr (std::is_same_v<T, GoawayFrame>) {
                o << "GOAWAY last=" << x.last_stream_id << " " << to_string(x.error_code) << " '" << str(x.debug_data)
                  << "'";
            } else if constexpr (std::is_same_v<T, WindowUpdateFrame>) {
                o << "WINDOW_UPDATE s=" << x.stream_id << " +" << x.increment;
            } else if constexpr (std::is_same_v<T, ContinuationFrame>) {
                o << "CONTINUATION s=" << x.stream_id << " eh=" << x.end_headers << " '" << str(x.fragment) << "'";
            } else if constexpr (std::is_same_v<T, PriorityUpdateFrame>) {
                o << "PRIORITY_UPDATE s=" << x.prioritized_stream_id << " '" << x.field_value << "'";
            } else {
                o << "UNKNOWN type=" << int(x.type) << " flags=" << int(x.flags) << " s=" << x.stream_id << " '"
                  << str(x.payload) << "'";
            }
        },
        f);
    return o.str();
}

inline std::string describe(const ProtocolError& e) {
    std::ostringstream o;
    o << (e.scope == ErrorScope::connection ? "CONNECTION " : "STREAM ") << e.stream_id << " " << to_string(e.code)
      << " (" << e.reason << ")";
    return o.str();
}

// Feeds `input` to a reader in chunks of the given sizes (the last one repeats) and
// describes every result until the input is used up or a connection error stops it.
inline std::vector<std::string> read_all(std::span<const std::uint8_t> input, const std::vector<std::size_t>& chunks,
                                         std::uint32_t max_frame_size = 16384) {
    frame::FrameReader reader(max_frame_size);
    std::vector<std::string> out;
    std::size_t k = 0;
    while (!input.empty()) {
        const std::size_t n = std::min(input.size(), chunks[std::min(k++, chunks.size() - 1)]);
        std::span<const std::uint8_t> chunk = input.first(n);
        input = input.subspan(n);
        for (;;) {
            frame::Frame f;
            ProtocolError e;
            const auto st = reader.next(chunk, f, e);
            if (st == frame::FrameReader::Status::need_more) break;
            if (st == frame::FrameReader::Status::frame) {
                out.push_back(describe(f));
            } else {
                out.push_back(describe(e));
                if (e.scope == ErrorScope::connection) return out;
            }
        }
    }
    if (reader.buffered() != 0) out.push_back("INCOMPLETE " + std::to_string(reader.buffered()));
    return out;
}

inline std::vector<std::string> read_whole(std::span<const std::uint8_t> input, std::uint32_t max_frame_size = 16384) {
    return read_all(input, {input.size() ? input.size() : 1}, max_frame_size);
}

}  // namespace h2::test
