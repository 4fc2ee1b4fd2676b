// A bump allocator for decoded strings. Memory handed out stays put until reset(), which
// keeps the blocks for reuse, so steady-state decoding allocates nothing.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

namespace h2::hpack {

class Arena {
public:
    explicit Arena(std::size_t block_size = 4096) noexcept : block_size_(block_size) {}

    char* allocate(std::size_t n) {
        if (current_ < blocks_.size() && blocks_[current_].size - used_ >= n) {
            char* p = blocks_[current_].data.get() + used_;
            used_ += n;
            return p;
        }
        return allocate_slow(n);
    }

    // Gives back the unused tail of the most recent allocation: `end` is where it ended.
    void trim(const char* end) noexcept { used_ = static_cast<std::size_t>(end - blocks_[current_].data.get()); }

    struct Mark {
        std::size_t block;
        std::size_t used;
    };
    Mark mark() const noexcept { return {current_, used_}; }
    void release(Mark m) noexcept {
        current_ = m.block;
        used_ = m.used;
    }

    // Makes all memory reusable. Keeps at most `retain` octets of blocks.
    void reset(std::size_t retain = 64 * 1024);

    std::size_t capacity() const noexcept;

private:
    struct Block {
        std::unique_ptr<char[]> data;
        std::size_t size;
    };
    char* allocate_slow(std::size_t n);

    std::size_t block_size_;
    std::vector<Block> blocks_;
    std::size_t current_ = 0;
    std::size_t used_ = 0;
};

}  // namespace h2::hpack
