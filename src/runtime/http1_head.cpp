#include "http1_head.hpp"

#include <array>
#include <stdexcept>

namespace h2::runtime {

namespace {
std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

bool dropped_for_http2(std::string_view name) noexcept {
    static constexpr std::array<std::string_view, 6> kDropped{
        "connection", "upgrade", "keep-alive", "proxy-connection", "transfer-encoding", "sec-websocket-accept"};
    for (const auto d : kDropped) {
        if (name == d) return true;
    }
    return false;
}
}  // namespace

Http1Head parse_http1_head(std::string_view head, bool for_http2) {
    const auto bad = [] { return std::runtime_error("not an HTTP/1.1 response head"); };
    auto line_end = head.find("\r\n");
    if (line_end == std::string_view::npos || line_end < 12 || head.substr(0, 9) != "HTTP/1.1 ") throw bad();
    Http1Head out;
    for (std::size_t i = 9; i < 12; ++i) {
        const char c = head[i];
        if (c < '0' || c > '9') throw bad();
        out.status = out.status * 10 + (c - '0');
    }
    for (std::size_t at = line_end + 2; at < head.size();) {
        line_end = head.find("\r\n", at);
        if (line_end == std::string_view::npos) throw bad();
        const std::string_view line = head.substr(at, line_end - at);
        at = line_end + 2;
        if (line.empty()) break;
        const auto colon = line.find(':');
        if (colon == std::string_view::npos || colon == 0) throw bad();
        std::string name(line.substr(0, colon));
        for (char& c : name) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        if (for_http2 && dropped_for_http2(name)) continue;
        out.fields.emplace_back(std::move(name), std::string(trim(line.substr(colon + 1))));
    }
    return out;
}

}  // namespace h2::runtime
