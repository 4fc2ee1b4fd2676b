// libh2 client (driven by the input) <-> nghttp2 server; see nghttp2_oracle.hpp.
#include <deque>

#include "nghttp2_oracle.hpp"

namespace {
std::size_t response_size = 0;
std::deque<std::size_t> response_left;  // one counter per response (nghttp2 keeps pointers)

int on_request(nghttp2_session* s, const nghttp2_frame* f, void* user) {
    auto* oracle = static_cast<h2::fuzz::Oracle*>(user);
    (void)oracle;
    if (f->hd.type == NGHTTP2_HEADERS && (f->hd.flags & NGHTTP2_FLAG_END_STREAM)) {
        response_left.push_back(response_size);
        nghttp2_data_provider prd{};
        prd.source.ptr = &response_left.back();
        prd.read_callback = h2::fuzz::Oracle::read_body;
        nghttp2_nv nva[] = {{(std::uint8_t*)":status", (std::uint8_t*)"200", 7, 3, 0}};
        nghttp2_submit_response(s, f->hd.stream_id, nva, 1, &prd);
    }
    return h2::fuzz::Oracle::on_frame(s, f, user);
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace h2;
    response_left.clear();
    fuzz::Oracle peer(true);
    nghttp2_session_callbacks* cb = nullptr;
    nghttp2_session_callbacks_new(&cb);
    nghttp2_session_callbacks_set_on_invalid_frame_recv_callback(cb, fuzz::Oracle::on_invalid);
    nghttp2_session_callbacks_set_on_frame_recv_callback(cb, on_request);
    nghttp2_session_del(peer.session);
    nghttp2_session_server_new(&peer.session, cb, &peer);
    nghttp2_session_callbacks_del(cb);
    nghttp2_submit_settings(peer.session, NGHTTP2_FLAG_NONE, nullptr, 0);

    Connection client = Connection::client(fuzz::permissive());
    std::vector<Event> events;
    std::vector<StreamId> streams;
    const hpack::HeaderField get[] = {{":method", "GET"}, {":scheme", "http"}, {":path", "/"}, {":authority", "x"}};
    const hpack::HeaderField post[] = {{":method", "POST"}, {":scheme", "http"}, {":path", "/"}, {":authority", "x"}};
    for (std::size_t i = 0; i + 1 < size; i += 2) {
        const std::uint8_t op = data[i] % 6, arg = data[i + 1];
        response_size = std::size_t{arg} * 500;
        switch (op) {
            case 0:
                if (StreamId id = client.submit_request(get, true).value) streams.push_back(id);
                break;
            case 1:
                if (StreamId id = client.submit_request(post, false).value) {
                    std::vector<std::uint8_t> body(std::size_t{arg} * 400, 'p');
                    client.submit_data(id, body, true);
                    streams.push_back(id);
                }
                break;
            case 2:
                if (!streams.empty()) client.reset_stream(streams[arg % streams.size()], ErrorCode::cancel);
                break;
            case 3:
                client.submit_ping({arg, 1, 2, 3, 4, 5, 6, 7});
                break;
            case 4: {
                nghttp2_settings_entry e[] = {{NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, std::uint32_t{arg} * 1000u},
                                              {NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, 1u + arg}};
                nghttp2_submit_settings(peer.session, 0, e, 2);
                break;
            }
            default:
                break;
        }
        for (int round = 0; round < 50; ++round) {
            events.clear();
            peer.to(client, events);
            if (client.is_closed()) std::abort();
            peer.from(client);
            if (!nghttp2_session_want_write(peer.session) && !client.has_pending_output()) break;
        }
    }
    return 0;
}
