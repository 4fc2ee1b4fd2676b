// gRPC's length-prefixed message framing, shared by the server (grpc.cpp) and the client
// (grpc_client.cpp). Internal header.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace h2::runtime::grpc {

inline constexpr std::size_t kPrefix = 5;  // compressed flag + 4-octet length

// The message with its prefix (not compressed).
inline std::string framed(std::string_view message) {
    std::string out(kPrefix + message.size(), '\0');
    const auto n = static_cast<std::uint32_t>(message.size());
    out[1] = static_cast<char>(n >> 24);
    out[2] = static_cast<char>(n >> 16);
    out[3] = static_cast<char>(n >> 8);
    out[4] = static_cast<char>(n);
    std::memcpy(out.data() + kPrefix, message.data(), message.size());
    return out;
}

// The length a prefix announces (`p` points at kPrefix octets).
inline std::size_t message_length(const char* prefix) {
    const auto* p = reinterpret_cast<const unsigned char*>(prefix);
    return (std::size_t{p[1]} << 24) | (std::size_t{p[2]} << 16) | (std::size_t{p[3]} << 8) | std::size_t{p[4]};
}

}  // namespace h2::runtime::grpc
