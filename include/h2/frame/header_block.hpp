// Reassembly of a header block sent as HEADERS or PUSH_PROMISE followed by CONTINUATION
// frames (RFC 9113 §4.3, §6.10), with limits against CONTINUATION floods. The frame reader
// already guarantees the frames are contiguous and on one stream; this class joins the
// fragments and counts.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace h2::frame {

struct HeaderBlockLimits {
    // Total octets of header block fragments in one block.
    std::uint32_t max_block_size = 64 * 1024;
    // CONTINUATION frames after the first frame of one block.
    std::uint32_t max_continuations = 32;
};

class HeaderBlockAssembler {
public:
    enum class Status : std::uint8_t {
        complete,               // block() holds the whole block
        incomplete,             // waiting for more CONTINUATION frames
        too_large,              // max_block_size exceeded
        too_many_continuations  // max_continuations exceeded
    };

    explicit HeaderBlockAssembler(HeaderBlockLimits limits = {}) : limits_(limits) {}

    // The first fragment (from HEADERS or PUSH_PROMISE). A block in one frame is returned
    // as a view of that fragment, without a copy.
    Status begin(std::span<const std::uint8_t> fragment, bool end_headers);
    // A CONTINUATION fragment of the open block.
    Status append(std::span<const std::uint8_t> fragment, bool end_headers);

    // Valid after `complete`, until the next begin().
    std::span<const std::uint8_t> block() const noexcept { return block_; }
    std::uint32_t continuations() const noexcept { return continuations_; }

    void set_limits(HeaderBlockLimits limits) noexcept { limits_ = limits; }

private:
    HeaderBlockLimits limits_;
    std::vector<std::uint8_t> joined_;
    std::span<const std::uint8_t> block_;
    std::uint32_t continuations_ = 0;
};

}  // namespace h2::frame
