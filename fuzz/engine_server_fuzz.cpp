// Server engine on raw client bytes (after a valid preface, so frames get exercised).
#include "engine_raw_fuzz.hpp"

#include <cstring>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const char kPreface[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x00\x04\x00\x00\x00\x00\x00";
    std::vector<std::uint8_t> input(kPreface, kPreface + 24 + 9);
    // Inputs recorded from real clients start with the preface themselves.
    if (size >= 24 && std::memcmp(data, kPreface, 24) == 0) input.clear();
    input.insert(input.end(), data, data + size);
    h2::Connection conn = h2::Connection::server();
    h2::fuzz::run_raw(conn, input.data(), input.size(), true);
    return 0;
}
