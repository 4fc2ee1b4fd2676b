// The cleartext port's first octets, as h2serve meets them: sniff (preface, HTTP/1.x request
// line, or refused), then an HTTP/1.1 request parsed by Beast with h2serve's limits, then, when
// it asks for Upgrade: h2c, the HTTP2-Settings decoding and the upgraded server engine fed with
// the octets that follow the request. No crash, no hang, and what the engine writes parses.
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <cstdlib>
#include <string_view>
#include <vector>

#include "../src/runtime/http1_request.hpp"
#include "../src/runtime/sniff.hpp"
#include "engine_raw_fuzz.hpp"

namespace http = boost::beast::http;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    // Every prefix is sniffed as it would arrive; the verdict never changes once made.
    h2::runtime::Sniffed verdict = h2::runtime::Sniffed::need_more;
    for (std::size_t n = 0; n <= std::min<std::size_t>(size, 64); ++n) {
        const auto v = h2::runtime::sniff(input.substr(0, n));
        if (verdict != h2::runtime::Sniffed::need_more && v != verdict) std::abort();
        verdict = v;
    }
    if (h2::runtime::sniff(input) != h2::runtime::Sniffed::http1) return 0;

    http::request_parser<http::string_body> parser;
    parser.header_limit(16 * 1024);
    parser.body_limit(64 * 1024);
    boost::system::error_code ec;
    const std::size_t used = parser.put(boost::asio::buffer(data, size), ec);
    if (ec || !parser.is_header_done()) return 0;
    if (!parser.is_done()) return 0;
    const auto up = h2::runtime::upgrade_of(parser.get());
    if (!up) return 0;
    if (!parser.get().body().empty()) std::abort();  // a request with a body is never switched
    std::vector<h2::hpack::HeaderField> fields;
    for (const auto& [n, v] : up->fields) fields.push_back({n, v});
    auto conn = h2::Connection::server_upgrade({}, up->settings, fields);
    if (!conn) return 0;
    h2::fuzz::run_raw(*conn, data + used, size - used, true);
    return 0;
}
