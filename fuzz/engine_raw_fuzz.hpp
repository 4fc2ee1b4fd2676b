// Raw-bytes fuzzing of an engine: whatever arrives, no crash, no hang, and every octet the
// engine writes parses as well-formed frames.
#pragma once

#include <cstdlib>
#include <vector>

#include "h2/connection/connection.hpp"
#include "h2/frame/reader.hpp"

namespace h2::fuzz {

// Parses `out` (after an optional client magic) and aborts on a framing error in it.
inline void check_output(std::span<const std::uint8_t> out, frame::FrameReader& reader) {
    frame::Frame f;
    ProtocolError e;
    while (!out.empty()) {
        const auto st = reader.next(out, f, e);
        if (st == frame::FrameReader::Status::need_more) return;
        if (st == frame::FrameReader::Status::error && e.scope == ErrorScope::connection) std::abort();
    }
}

inline void run_raw(Connection& conn, const std::uint8_t* data, std::size_t size, bool server) {
    std::vector<Event> events;
    frame::FrameReader reader(frame::max_allowed_frame_size);
    std::size_t chunk = size ? 1 + data[0] % 97 : 1;
    bool magic_skipped = server;
    for (std::size_t at = 0; at < size && !conn.is_closed(); at += chunk) {
        events.clear();
        conn.receive({data + at, std::min(chunk, size - at)}, events);
        for (const Event& ev : events) {
            // Answer requests and read bodies, as an application would.
            if (const auto* h = std::get_if<HeadersReceived>(&ev); h && server && h->kind == HeadersKind::request) {
                const hpack::HeaderField resp[] = {{":status", "200"}};
                conn.submit_response(h->stream, resp, false);
                const std::uint8_t body[100] = {};
                conn.submit_data(h->stream, body, true);
            }
        }
        auto out = conn.pending_output();
        if (!magic_skipped && out.size() >= 24) {
            out = out.subspan(24);
            magic_skipped = true;
        }
        check_output(out, reader);
        conn.consume_output(conn.pending_output().size());
    }
}

}  // namespace h2::fuzz
