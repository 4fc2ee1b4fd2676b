// Frame tracing (internal header): the frames of a connection as lines of text, for h2get -v.
// It follows the frame headers in the octets either way (a payload the engine did not write,
// external DATA, is skipped by its length) and describes each frame in one line.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace h2::runtime {

class FrameTrace {
public:
    using Sink = std::function<void(std::string_view line)>;
    FrameTrace(Sink sink, bool client) : sink_(std::move(sink)), skip_preface_{client ? 24u : 0u, client ? 0u : 24u} {}

    // Octets sent (`outbound`) or received; `external` payload octets that follow the octets
    // already given count as payload of the frame in progress.
    void octets(bool outbound, std::span<const std::uint8_t> data);
    void external(std::uint64_t length);  // outbound only

private:
    struct Direction {
        std::vector<std::uint8_t> header;  // a frame header in pieces
        std::uint64_t payload_left = 0;
        std::vector<std::uint8_t> payload;  // the frames whose payload is described
        std::uint8_t type = 0, flags = 0;
        std::uint32_t stream = 0, length = 0;
    };
    void feed(bool outbound, Direction& d, std::span<const std::uint8_t> data);
    void emit(bool outbound, const Direction& d);

    Sink sink_;
    Direction out_, in_;
    std::uint32_t skip_preface_[2];  // the client preface: [0] outbound, [1] inbound
};

}  // namespace h2::runtime
