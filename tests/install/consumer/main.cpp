// A user's program, built against the installed tree: HPACK round trip, then one request and
// response through a client and a server engine in memory.
#include <h2/connection/connection.hpp>
#include <h2/hpack/decoder.hpp>
#include <h2/hpack/encoder.hpp>

#include <cstdio>
#include <vector>

int main() {
    const h2::hpack::HeaderField in[] = {{":method", "GET"}, {":path", "/consumer"}};
    std::vector<std::uint8_t> block;
    h2::hpack::Encoder().encode(in, block);
    std::vector<h2::hpack::HeaderField> out;
    h2::hpack::Decoder decoder;
    if (!decoder.decode(block, out).ok() || out.size() != 2 || out[1].value != "/consumer") return 1;

    h2::Connection client = h2::Connection::client();
    h2::Connection server = h2::Connection::server();
    const h2::hpack::HeaderField req[] = {{":method", "GET"}, {":scheme", "http"}, {":path", "/"}, {":authority", "x"}};
    const h2::StreamId id = client.submit_request(req, true).value;
    std::vector<h2::Event> events;
    bool answered = false;
    for (int round = 0; round < 4; ++round) {
        for (auto bytes = client.pending_output(); !bytes.empty(); bytes = client.pending_output()) {
            server.receive(bytes, events);
            client.consume_output(bytes.size());
        }
        for (const auto& e : events) {
            if (std::holds_alternative<h2::HeadersReceived>(e) && !answered) {
                const h2::hpack::HeaderField resp[] = {{":status", "204"}};
                server.submit_response(id, resp, true);
                answered = true;
            }
        }
        events.clear();
        for (auto bytes = server.pending_output(); !bytes.empty(); bytes = server.pending_output()) {
            client.receive(bytes, events);
            server.consume_output(bytes.size());
        }
        for (const auto& e : events) {
            if (const auto* h = std::get_if<h2::HeadersReceived>(&e); h && h->fields[0].value == "204") {
                std::printf("consumer ok: stream %u answered 204\n", h->stream);
                return 0;
            }
        }
        events.clear();
    }
    return 2;
}
