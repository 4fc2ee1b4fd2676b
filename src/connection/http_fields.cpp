#include "h2/connection/http_fields.hpp"

#include <array>
#include <cstring>

namespace h2::http {
namespace {

// Octet classes, one table lookup per octet.
constexpr std::uint8_t kNameOk = 1, kValueOk = 2;
constexpr std::array<std::uint8_t, 256> kOctets = [] {
    std::array<std::uint8_t, 256> t{};
    for (int c = 0; c < 256; ++c) {
        // RFC 9113 §8.2.1: names exclude 0x00-0x20, 0x41-0x5a (uppercase), 0x7f-0xff and ':'
        // (a pseudo-header's leading colon is checked by the caller).
        if (c > 0x20 && !(c >= 'A' && c <= 'Z') && c < 0x7f && c != ':') t[c] |= kNameOk;
        // Values exclude NUL, LF and CR.
        if (c != 0 && c != '\n' && c != '\r') t[c] |= kValueOk;
    }
    return t;
}();

bool all_of_class(std::string_view s, std::uint8_t cls) noexcept {
    std::uint8_t acc = cls;
    for (unsigned char c : s) acc &= kOctets[c];
    return acc == cls;
}

bool valid_name(std::string_view n) noexcept { return !n.empty() && all_of_class(n, kNameOk); }

// True if any octet of `w` equals `b` (the classic SWAR zero-byte test on w ^ b...b).
constexpr bool has_octet(std::uint64_t w, std::uint8_t b) noexcept {
    const std::uint64_t x = w ^ (0x0101010101010101ull * b);
    return ((x - 0x0101010101010101ull) & ~x & 0x8080808080808080ull) != 0;
}

// RFC 9113 §8.2.1: no NUL, LF or CR, and no leading or trailing SP or HTAB. Eight octets at
// a time: values are the longest strings in a request.
bool valid_value(std::string_view v) noexcept {
    std::size_t i = 0;
    for (; i + 8 <= v.size(); i += 8) {
        std::uint64_t w;
        std::memcpy(&w, v.data() + i, 8);
        if (has_octet(w, 0) || has_octet(w, '\n') || has_octet(w, '\r')) return false;
    }
    if (!all_of_class(v.substr(i), kValueOk)) return false;
    if (!v.empty()) {
        const char first = v.front(), last = v.back();
        if (first == ' ' || first == '\t' || last == ' ' || last == '\t') return false;
    }
    return true;
}

// RFC 9113 §8.2.2: connection-specific fields, and TE other than "trailers".
bool connection_specific(std::string_view n, std::string_view v) noexcept {
    return n == "connection" || n == "proxy-connection" || n == "keep-alive" || n == "transfer-encoding" ||
           n == "upgrade" || (n == "te" && v != "trailers");
}

bool equal_ignoring_case(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
        if (x != y) return false;
    }
    return true;
}

// Checks a regular field; records content-length. Returns a reason or empty.
std::string_view check_regular(const hpack::HeaderField& f, std::optional<std::uint64_t>& content_length) noexcept {
    if (!valid_name(f.name)) return "invalid field name";
    if (!valid_value(f.value)) return "invalid field value";
    if (connection_specific(f.name, f.value)) return "connection-specific field";
    if (f.name == "content-length") {
        const auto n = parse_content_length(f.value);
        if (!n) return "invalid content-length";
        if (content_length && *content_length != *n) return "conflicting content-length";
        content_length = n;
    }
    return {};
}

// Assigns a pseudo-header value once. Returns false on a duplicate.
bool once(std::string_view& slot, std::string_view value, bool& seen) noexcept {
    if (seen) return false;
    seen = true;
    slot = value;
    return true;
}

}  // namespace

std::optional<std::uint64_t> parse_content_length(std::string_view v) noexcept {
    if (v.empty() || v.size() > 19) return std::nullopt;
    std::uint64_t n = 0;
    for (char c : v) {
        if (c < '0' || c > '9') return std::nullopt;
        n = n * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return n;
}

std::string_view check_request(Fields fields, bool connect_protocol, Request& out) noexcept {
    out = {};
    bool regular_seen = false;
    bool m = false, s = false, a = false, p = false, pr = false;
    std::string_view host;
    for (const auto& f : fields) {
        if (!f.name.empty() && f.name[0] == ':') {
            // RFC 9113 §8.3: pseudo-headers come first, once each, and only those defined.
            if (regular_seen) return "pseudo-header after a regular field";
            if (!valid_value(f.value)) return "invalid pseudo-header value";
            bool ok;
            if (f.name == ":method") ok = once(out.method, f.value, m);
            else if (f.name == ":scheme") ok = once(out.scheme, f.value, s);
            else if (f.name == ":authority") ok = once(out.authority, f.value, a);
            else if (f.name == ":path") ok = once(out.path, f.value, p);
            else if (f.name == ":protocol") ok = once(out.protocol, f.value, pr);
            else return "unknown or response pseudo-header in a request";
            if (!ok) return "duplicated pseudo-header";
            continue;
        }
        regular_seen = true;
        if (auto why = check_regular(f, out.content_length); !why.empty()) return why;
        if (f.name == "host") host = f.value;
    }
    if (!m || out.method.empty()) return "missing :method";
    if (pr) {
        // RFC 8441 §4: extended CONNECT.
        if (!connect_protocol) return ":protocol without SETTINGS_ENABLE_CONNECT_PROTOCOL";
        if (out.method != "CONNECT") return ":protocol on a method other than CONNECT";
        if (out.protocol.empty()) return "empty :protocol";
        if (!s || !p || !a) return "extended CONNECT without :scheme, :path or :authority";
    } else if (out.method == "CONNECT") {
        // RFC 9113 §8.5.
        if (s || p) return "CONNECT with :scheme or :path";
        if (!a || out.authority.empty()) return "CONNECT without :authority";
        return {};
    } else {
        // RFC 9113 §8.3.1.
        if (!s || out.scheme.empty()) return "missing :scheme";
        if (!p || out.path.empty()) return "missing or empty :path";
        if (out.path[0] != '/' && !(out.path == "*" && out.method == "OPTIONS")) {
            return ":path is neither origin form nor * for OPTIONS";
        }
    }
    if (a && !host.empty() && !equal_ignoring_case(host, out.authority)) {
        return "host and :authority differ";
    }
    return {};
}

std::string_view check_response(Fields fields, Response& out) noexcept {
    out = {};
    bool regular_seen = false, status_seen = false;
    for (const auto& f : fields) {
        if (!f.name.empty() && f.name[0] == ':') {
            if (regular_seen) return "pseudo-header after a regular field";
            if (f.name != ":status") return "unknown or request pseudo-header in a response";
            if (status_seen) return "duplicated :status";
            status_seen = true;
            // RFC 9110 §15: three digits.
            if (f.value.size() != 3) return "invalid :status";
            out.status = 0;
            for (char c : f.value) {
                if (c < '0' || c > '9') return "invalid :status";
                out.status = out.status * 10 + (c - '0');
            }
            if (out.status < 100) return "invalid :status";
            continue;
        }
        regular_seen = true;
        if (auto why = check_regular(f, out.content_length); !why.empty()) return why;
    }
    if (!status_seen) return "missing :status";
    return {};
}

std::string_view check_trailers(Fields fields) noexcept {
    std::optional<std::uint64_t> ignored;
    for (const auto& f : fields) {
        if (!f.name.empty() && f.name[0] == ':') return "pseudo-header in trailers";  // §8.1
        if (auto why = check_regular(f, ignored); !why.empty()) return why;
    }
    return {};
}

}  // namespace h2::http
