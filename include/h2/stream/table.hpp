// The connection's streams: an open-addressing index by id over a pool of Stream records.
// Closed streams go back to the pool with their buffers' capacity, so a connection in steady
// state opens and closes streams without allocating.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "h2/stream/stream.hpp"

namespace h2::stream {

class StreamTable {
public:
    Stream* find(StreamId id) noexcept {
        if (live_.empty()) return nullptr;
        for (std::size_t i = slot_of(id);; i = (i + 1) & mask_) {
            if (index_[i].id == id) return index_[i].stream;
            if (index_[i].id == 0) return nullptr;
        }
    }
    const Stream* find(StreamId id) const noexcept { return const_cast<StreamTable*>(this)->find(id); }

    // A fresh record for `id` (which must not be present).
    Stream& insert(StreamId id);
    // Returns the record to the pool. Returns false if `id` was not present.
    bool erase(StreamId id) noexcept;

    std::size_t size() const noexcept { return live_.size(); }
    bool empty() const noexcept { return live_.empty(); }

    // Iteration over live streams (in no particular order). Erasing while iterating is not
    // allowed; collect ids first.
    class iterator {
    public:
        explicit iterator(Stream* const* p) : p_(p) {}
        Stream& operator*() const { return **p_; }
        Stream* operator->() const { return *p_; }
        iterator& operator++() {
            ++p_;
            return *this;
        }
        bool operator==(const iterator& o) const { return p_ == o.p_; }

    private:
        Stream* const* p_;
    };
    iterator begin() const noexcept { return iterator(live_.data()); }
    iterator end() const noexcept { return iterator(live_.data() + live_.size()); }

private:
    struct Slot {
        StreamId id = 0;  // 0: empty (stream 0 is never a stream record)
        Stream* stream = nullptr;
    };
    std::size_t slot_of(StreamId id) const noexcept {
        return static_cast<std::size_t>((id * 2654435761u) >> 1) & mask_;
    }
    void grow();

    std::vector<Slot> index_;
    std::size_t mask_ = 0;
    std::vector<Stream*> live_;                  // position kept in Stream::table_position
    std::vector<std::unique_ptr<Stream>> pool_;  // every record ever made
    std::vector<Stream*> free_;
};

}  // namespace h2::stream
