#include "h2/frame/header_block.hpp"

namespace h2::frame {

HeaderBlockAssembler::Status HeaderBlockAssembler::begin(std::span<const std::uint8_t> fragment, bool end_headers) {
    continuations_ = 0;
    joined_.clear();
    block_ = {};
    if (fragment.size() > limits_.max_block_size) return Status::too_large;
    if (end_headers) {
        block_ = fragment;
        return Status::complete;
    }
    joined_.assign(fragment.begin(), fragment.end());
    return Status::incomplete;
}

HeaderBlockAssembler::Status HeaderBlockAssembler::append(std::span<const std::uint8_t> fragment, bool end_headers) {
    // RFC 9113 §10.5: a block is bounded in frames as well as in octets, so that a stream
    // of empty CONTINUATION frames cannot keep the connection busy for free.
    if (++continuations_ > limits_.max_continuations) return Status::too_many_continuations;
    if (fragment.size() > limits_.max_block_size - joined_.size()) return Status::too_large;
    joined_.insert(joined_.end(), fragment.begin(), fragment.end());
    if (!end_headers) return Status::incomplete;
    block_ = joined_;
    return Status::complete;
}

}  // namespace h2::frame
