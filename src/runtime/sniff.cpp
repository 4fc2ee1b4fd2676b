// The first octets on a cleartext port. No I/O; fuzzed by fuzz/http1_upgrade.
#include "sniff.hpp"

namespace h2::runtime {

namespace {

constexpr std::string_view kPreface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";  // RFC 9113 §3.4
// A request line longer than this is not one we serve (Beast's header limit is larger).
constexpr std::size_t kMaxRequestLine = 8192;

}  // namespace

Sniffed sniff(std::string_view first) noexcept {
    const std::size_t n = std::min(first.size(), kPreface.size());
    if (first.substr(0, n) == kPreface.substr(0, n)) return n == kPreface.size() ? Sniffed::h2 : Sniffed::need_more;
    const std::size_t eol = first.find("\r\n");
    if (eol == std::string_view::npos) return first.size() > kMaxRequestLine ? Sniffed::refused : Sniffed::need_more;
    // RFC 9112 §3: method SP request-target SP HTTP-version. Anything else (h2spec 3.5/2's
    // "INVALID CONNECTION PREFACE") is not HTTP/1.x: the connection is closed, not answered.
    const std::string_view line = first.substr(0, eol);
    const std::size_t sp = line.find(' ');
    const bool version = line.size() > 9 && (line.ends_with(" HTTP/1.1") || line.ends_with(" HTTP/1.0"));
    return sp != std::string_view::npos && sp > 0 && version && line.size() - 9 > sp ? Sniffed::http1
                                                                                     : Sniffed::refused;
}

}  // namespace h2::runtime
