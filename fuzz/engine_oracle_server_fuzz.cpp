// nghttp2 client (driven by the input) <-> libh2 server; see nghttp2_oracle.hpp.
#include <deque>

#include "nghttp2_oracle.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace h2;
    fuzz::Oracle peer(false);
    Connection server = Connection::server(fuzz::permissive());
    std::vector<Event> events;
    std::deque<std::size_t> body_sizes;  // stable addresses: nghttp2 keeps pointers to them
    std::vector<std::int32_t> streams;
    for (std::size_t i = 0; i + 1 < size; i += 2) {
        const std::uint8_t op = data[i] % 8, arg = data[i + 1];
        nghttp2_nv nva[] = {
            {(std::uint8_t*)":method", (std::uint8_t*)(op == 1 ? "POST" : "GET"), 7, op == 1 ? 4u : 3u, 0},
            {(std::uint8_t*)":scheme", (std::uint8_t*)"http", 7, 4, 0},
            {(std::uint8_t*)":path", (std::uint8_t*)"/fuzz", 5, 5, 0},
            {(std::uint8_t*)":authority", (std::uint8_t*)"localhost", 10, 9, 0}};
        switch (op) {
            case 0:
            case 1: {
                if (body_sizes.size() >= 100) break;
                body_sizes.push_back(std::size_t{arg} * 300);
                nghttp2_data_provider prd{};
                prd.source.ptr = &body_sizes.back();
                prd.read_callback = fuzz::Oracle::read_body;
                const auto id =
                    nghttp2_submit_request(peer.session, nullptr, nva, 4, op == 1 ? &prd : nullptr, nullptr);
                if (id > 0) streams.push_back(id);
                break;
            }
            case 2:
                if (!streams.empty())
                    nghttp2_submit_rst_stream(peer.session, 0, streams[arg % streams.size()], NGHTTP2_CANCEL);
                break;
            case 3:
                nghttp2_submit_ping(peer.session, 0, nullptr);
                break;
            case 4: {
                nghttp2_settings_entry e[] = {{NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, std::uint32_t{arg} * 1000u},
                                              {NGHTTP2_SETTINGS_HEADER_TABLE_SIZE, std::uint32_t{arg} * 64u}};
                nghttp2_submit_settings(peer.session, 0, e, 2);
                break;
            }
            case 5:
                nghttp2_submit_window_update(
                    peer.session, 0, streams.empty() || arg % 2 ? 0 : streams[arg % streams.size()], 1 + arg * 100);
                break;
            default:
                break;
        }
        // Pump, answering each request with a body of `arg` x 700 octets.
        for (int round = 0; round < 50; ++round) {
            events.clear();
            peer.to(server, events);
            for (const Event& ev : events) {
                const auto* h = std::get_if<HeadersReceived>(&ev);
                const auto* d = std::get_if<DataReceived>(&ev);
                StreamId id = h && h->end_stream ? h->stream : d && d->end_stream ? d->stream : 0;
                if (!id) continue;
                const hpack::HeaderField resp[] = {{":status", "200"}};
                if (server.submit_response(id, resp, false) == SubmitError::none) {
                    std::vector<std::uint8_t> body(std::size_t{arg} * 700, 'r');
                    server.submit_data(id, body, true);
                }
            }
            if (server.is_closed()) std::abort();  // an honest client was cut off
            peer.from(server);
            if (!nghttp2_session_want_write(peer.session) && !server.has_pending_output()) break;
        }
    }
    return 0;
}
