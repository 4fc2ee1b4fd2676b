// A FIFO of stream ids that allocates nothing until its first push (an idle connection has
// nine of them: one per RFC 9218 urgency, and the buffered requests). A ring in a vector whose
// capacity doubles as needed; push at either end, pop at the front.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace h2 {

class IdQueue {
public:
    using Id = std::uint32_t;

    bool empty() const noexcept { return count_ == 0; }
    std::size_t size() const noexcept { return count_; }
    Id front() const noexcept { return ring_[head_]; }
    Id operator[](std::size_t i) const noexcept { return ring_[(head_ + i) & (ring_.size() - 1)]; }

    void push_back(Id id) {
        if (count_ == ring_.size()) grow();
        ring_[(head_ + count_) & (ring_.size() - 1)] = id;
        ++count_;
    }
    void push_front(Id id) {
        if (count_ == ring_.size()) grow();
        head_ = (head_ + ring_.size() - 1) & (ring_.size() - 1);
        ring_[head_] = id;
        ++count_;
    }
    void pop_front() noexcept {
        head_ = (head_ + 1) & (ring_.size() - 1);
        --count_;
    }
    // Removes the first `id` (the rest keep their order); false if absent.
    bool erase(Id id) noexcept {
        std::size_t i = 0;
        while (i < count_ && (*this)[i] != id) ++i;
        if (i == count_) return false;
        for (; i + 1 < count_; ++i) ring_[(head_ + i) & (ring_.size() - 1)] = (*this)[i + 1];
        --count_;
        return true;
    }

private:
    void grow() {
        std::vector<Id> bigger(ring_.empty() ? 8 : ring_.size() * 2);
        for (std::size_t i = 0; i < count_; ++i) bigger[i] = (*this)[i];
        ring_.swap(bigger);
        head_ = 0;
    }

    std::vector<Id> ring_;  // capacity a power of two (or empty)
    std::size_t head_ = 0;
    std::size_t count_ = 0;
};

}  // namespace h2
