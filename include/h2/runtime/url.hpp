// http:// and https:// URLs as the client uses them. No Boost here.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace h2::runtime {

struct Url {
    std::string scheme;  // "http" or "https"
    std::string host;    // a name, an IPv4 address, or an IPv6 address without its brackets
    std::uint16_t port = 0;
    std::string target;  // path and query ("/" when the URL has none); no fragment

    // RFC 3986 §3 (scheme "://" authority path-abempty ["?" query] ["#" fragment]), http and
    // https only, no userinfo. Throws BadUrlError saying what is wrong.
    static Url parse(std::string_view text);

    bool tls() const noexcept { return scheme == "https"; }
    // host[:port] for :authority and Host: the port only when not the scheme's default, an
    // IPv6 address in brackets.
    std::string authority() const;
    // The last segment of the path ("index.html" when it ends with "/"), for saving a download.
    std::string file_name() const;
};

}  // namespace h2::runtime
