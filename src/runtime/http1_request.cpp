// HTTP/1.1 requests as the cleartext port sees them, without I/O: the h2c upgrade request
// (RFC 7540 §3.2) turned into HTTP2-Settings and HTTP/2 fields. Fuzzed by fuzz/http1_upgrade.
#include "http1_request.hpp"

#include <cctype>

namespace h2::runtime {

namespace http = boost::beast::http;

std::optional<std::vector<std::uint8_t>> decode_base64url(std::string_view s) {
    std::vector<std::uint8_t> out;
    std::uint32_t acc = 0;
    int bits = 0;
    for (char c : s) {
        int v;
        if (c >= 'A' && c <= 'Z') v = c - 'A';
        else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
        else if (c >= '0' && c <= '9') v = c - '0' + 52;
        else if (c == '-' || c == '+') v = 62;
        else if (c == '_' || c == '/') v = 63;
        else if (c == '=') break;  // tolerate padding
        else return std::nullopt;
        acc = (acc << 6) | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<std::uint8_t>(acc >> bits));
        }
    }
    return out;
}

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool has_token(std::string_view list, std::string_view token) {
    const std::string l = lower(list), t = lower(token);
    std::size_t at = 0;
    while (at <= l.size()) {
        std::size_t end = l.find(',', at);
        if (end == std::string::npos) end = l.size();
        std::string_view item(l.data() + at, end - at);
        while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
        while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
        if (item == t) return true;
        at = end + 1;
    }
    return false;
}

// RFC 9113 §8.2.2: fields that mean nothing in HTTP/2.
bool hop_by_hop(std::string_view n) {
    return n == "connection" || n == "keep-alive" || n == "proxy-connection" || n == "transfer-encoding" ||
           n == "upgrade" || n == "http2-settings" || n == "host" || n == "te";
}

}  // namespace

bool expects_continue(const http::request<http::string_body>& r) {
    return r.version() == 11 && boost::beast::iequals(r[http::field::expect], "100-continue");
}

std::optional<UpgradeRequest> upgrade_of(const http::request<http::string_body>& r) {
    if (!has_token(r[http::field::upgrade], "h2c")) return std::nullopt;
    if (!has_token(r[http::field::connection], "http2-settings") || r.count("HTTP2-Settings") != 1) return std::nullopt;
    // A request with a body would have to be read before switching: decline instead.
    if (!r.body().empty() || r.chunked()) return std::nullopt;
    auto settings = decode_base64url(r["HTTP2-Settings"]);
    if (!settings || settings->size() % 6 != 0) return std::nullopt;
    UpgradeRequest u{std::move(*settings), {}};
    u.fields = {{":method", std::string(r.method_string())},
                {":scheme", "http"},
                {":path", std::string(r.target())},
                {":authority", std::string(r[http::field::host])}};
    for (const auto& f : r) {
        const std::string n = lower(f.name_string());
        if (!hop_by_hop(n)) u.fields.emplace_back(n, std::string(f.value()));
    }
    return u;
}

}  // namespace h2::runtime
