// What the connection keeps per stream.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "h2/error.hpp"
#include "h2/flow/window.hpp"
#include "h2/stream/state.hpp"

namespace h2::stream {

struct Stream {
    StreamId id = 0;
    State state = State::idle;
    flow::SendWindow send_window;
    flow::ReceiveWindow receive_window;

    // Inbound message (RFC 9113 §8.1.1: content-length must match the DATA received).
    std::optional<std::uint64_t> expected_length;
    std::uint64_t received_length = 0;
    bool final_headers_received = false;  // a request, or a final (non-1xx) response
    bool no_response_body = false;        // client: HEAD request, or 204/304 response
    std::uint32_t held = 0;               // DATA delivered, not yet released by the application

    // Outbound message.
    bool headers_sent = false;
    // Client: a request buffered behind the peer's SETTINGS_MAX_CONCURRENT_STREAMS; its
    // fields and END_STREAM flag are kept until its HEADERS can go out.
    bool awaiting_open = false;
    std::vector<std::pair<std::string, std::string>> buffered_request;
    bool buffered_request_ends_stream = false;
    std::vector<std::uint8_t> send_buffer;                      // submitted DATA not yet framed
    std::size_t send_offset = 0;                                // framed up to here
    std::uint64_t external_pending = 0;                         // DATA octets the caller supplies, not yet framed
    bool end_after_data = false;                                // END_STREAM goes with the last octet submitted
    std::vector<std::pair<std::string, std::string>> trailers;  // sent after the data
    bool trailers_pending = false;
    bool scheduled = false;        // in a ready queue of the scheduler
    bool writable_wanted = false;  // submit_data() refused data: report StreamWritable later

    // RFC 9218 §4: urgency 0 (highest) to 7, default 3; incremental or not.
    std::uint8_t urgency = 3;
    bool incremental = false;

    std::size_t table_position = 0;  // StreamTable's bookkeeping

    // Back to a fresh record for `id`, keeping the buffers' capacity.
    void reset(StreamId id);

    std::size_t buffered() const noexcept { return send_buffer.size() - send_offset; }
    bool has_output() const noexcept {
        return buffered() > 0 || external_pending > 0 || end_after_data || trailers_pending;
    }
};

}  // namespace h2::stream
