#include "h2/hpack/arena.hpp"

#include <algorithm>

namespace h2::hpack {

char* Arena::allocate_slow(std::size_t n) {
    // Move on to the next block that fits, creating one if there is none.
    std::size_t i = blocks_.empty() ? 0 : current_ + 1;
    while (i < blocks_.size() && blocks_[i].size < n) ++i;
    if (i >= blocks_.size()) {
        const std::size_t size = std::max(n, block_size_);
        blocks_.push_back({std::make_unique<char[]>(size), size});
        i = blocks_.size() - 1;
    } else if (i != current_ + 1 && !blocks_.empty()) {
        // Keep blocks in use order: the found block becomes the next one.
        std::swap(blocks_[i], blocks_[current_ + 1]);
        i = current_ + 1;
    }
    current_ = i;
    used_ = n;
    return blocks_[current_].data.get();
}

void Arena::reset(std::size_t retain) {
    current_ = 0;
    used_ = 0;
    std::size_t kept = 0;
    std::size_t n = 0;
    while (n < blocks_.size() && kept + blocks_[n].size <= retain) kept += blocks_[n++].size;
    if (n == 0 && !blocks_.empty()) n = 1;  // always keep one block
    blocks_.resize(n);
}

std::size_t Arena::capacity() const noexcept {
    std::size_t total = 0;
    for (const Block& b : blocks_) total += b.size;
    return total;
}

}  // namespace h2::hpack
