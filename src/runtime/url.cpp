#include "h2/runtime/url.hpp"

#include <charconv>

#include "h2/runtime/client_errors.hpp"

namespace h2::runtime {

namespace {
bool allowed_in_host(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
           c == '_' || c == '~';
}
}  // namespace

Url Url::parse(std::string_view text) {
    const std::string quoted = "\"" + std::string(text) + "\"";
    Url u;
    const std::size_t colon = text.find("://");
    if (colon == std::string_view::npos) throw BadUrlError("not an http:// or https:// URL: " + quoted);
    for (char c : text.substr(0, colon)) u.scheme += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    if (u.scheme != "http" && u.scheme != "https") throw BadUrlError("unsupported scheme in " + quoted);
    std::string_view rest = text.substr(colon + 3);
    const std::size_t end = rest.find_first_of("/?#");
    std::string_view authority = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end);
    if (authority.find('@') != std::string_view::npos)
        throw BadUrlError("user information is not supported: " + quoted);
    std::string_view port;
    if (!authority.empty() && authority.front() == '[') {
        const std::size_t close = authority.find(']');
        if (close == std::string_view::npos) throw BadUrlError("unclosed IPv6 address in " + quoted);
        u.host = std::string(authority.substr(1, close - 1));
        const std::string_view after = authority.substr(close + 1);
        if (!after.empty() && after.front() != ':') throw BadUrlError("bad authority in " + quoted);
        if (!after.empty()) port = after.substr(1);
        for (char c : u.host) {
            if (!(std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.')) {
                throw BadUrlError("bad IPv6 address in " + quoted);
            }
        }
    } else {
        const std::size_t p = authority.rfind(':');
        u.host = std::string(authority.substr(0, p));
        if (p != std::string_view::npos) port = authority.substr(p + 1);
        for (char c : u.host) {
            if (!allowed_in_host(c)) throw BadUrlError("bad host name in " + quoted);
        }
    }
    if (u.host.empty()) throw BadUrlError("no host in " + quoted);
    u.port = u.tls() ? 443 : 80;
    if (!port.empty()) {
        unsigned value = 0;
        const auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
        if (ec != std::errc() || ptr != port.data() + port.size() || value == 0 || value > 65535) {
            throw BadUrlError("bad port in " + quoted);
        }
        u.port = static_cast<std::uint16_t>(value);
    }
    rest = rest.substr(0, rest.find('#'));
    for (char c : rest) {
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f)
            throw BadUrlError("space or control character in " + quoted);
    }
    u.target = rest.empty() || rest.front() == '?' ? "/" + std::string(rest) : std::string(rest);
    return u;
}

std::string Url::authority() const {
    std::string a = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    if (port != (tls() ? 443 : 80)) a += ":" + std::to_string(port);
    return a;
}

std::string Url::file_name() const {
    std::string_view path(target);
    path = path.substr(0, path.find('?'));
    const std::string_view last = path.substr(path.rfind('/') + 1);
    return last.empty() ? "index.html" : std::string(last);
}

std::string_view to_string(ClientErrorKind k) noexcept {
    switch (k) {
        case ClientErrorKind::bad_url:
            return "bad URL";
        case ClientErrorKind::connect:
            return "connect";
        case ClientErrorKind::tls:
            return "TLS";
        case ClientErrorKind::protocol:
            return "protocol";
        case ClientErrorKind::stream_reset:
            return "stream reset";
        case ClientErrorKind::goaway:
            return "GOAWAY";
        case ClientErrorKind::timeout:
            return "timeout";
        case ClientErrorKind::cancelled:
            return "cancelled";
        case ClientErrorKind::unsupported:
            return "unsupported";
    }
    return "?";
}

}  // namespace h2::runtime
