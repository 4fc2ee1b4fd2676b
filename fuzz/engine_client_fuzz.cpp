// Client engine on raw server bytes, with a few requests open.
#include "engine_raw_fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    h2::Connection conn = h2::Connection::client();
    const h2::hpack::HeaderField req[] = {
        {":method", "GET"}, {":scheme", "https"}, {":path", "/"}, {":authority", "a"}};
    for (int i = 0; i < 3; ++i) conn.submit_request(req, i != 1);
    h2::fuzz::run_raw(conn, data, size, false);
    return 0;
}
