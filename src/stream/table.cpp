#include "h2/stream/table.hpp"

namespace h2::stream {

void Stream::reset(StreamId new_id) {
    // Keep the buffers' capacity: that is what makes reuse allocation-free.
    std::vector<std::uint8_t> buffer = std::move(send_buffer);
    std::vector<std::pair<std::string, std::string>> t = std::move(trailers), r = std::move(buffered_request);
    buffer.clear();
    t.clear();
    r.clear();
    const std::size_t position = table_position;
    *this = Stream();
    send_buffer = std::move(buffer);
    trailers = std::move(t);
    buffered_request = std::move(r);
    table_position = position;
    id = new_id;
}

void StreamTable::grow() {
    const std::size_t n = index_.empty() ? 16 : index_.size() * 2;
    std::vector<Slot> old = std::move(index_);
    index_.assign(n, Slot{});
    mask_ = n - 1;
    for (const Slot& s : old) {
        if (s.id == 0) continue;
        std::size_t i = slot_of(s.id);
        while (index_[i].id != 0) i = (i + 1) & mask_;
        index_[i] = s;
    }
}

Stream& StreamTable::insert(StreamId id) {
    if ((live_.size() + 1) * 2 > index_.size()) grow();  // load factor at most 1/2
    Stream* s;
    if (free_.empty()) {
        pool_.push_back(std::make_unique<Stream>());
        s = pool_.back().get();
    } else {
        s = free_.back();
        free_.pop_back();
    }
    s->reset(id);
    s->table_position = live_.size();
    live_.push_back(s);
    std::size_t i = slot_of(id);
    while (index_[i].id != 0) i = (i + 1) & mask_;
    index_[i] = {id, s};
    return *s;
}

bool StreamTable::erase(StreamId id) noexcept {
    if (live_.empty()) return false;
    std::size_t i = slot_of(id);
    while (index_[i].id != id) {
        if (index_[i].id == 0) return false;
        i = (i + 1) & mask_;
    }
    Stream* s = index_[i].stream;
    // Backward-shift deletion keeps probe chains whole without tombstones.
    for (std::size_t j = (i + 1) & mask_; index_[j].id != 0; j = (j + 1) & mask_) {
        const std::size_t home = slot_of(index_[j].id);
        const bool movable = i <= j ? (home <= i || home > j) : (home <= i && home > j);
        if (movable) {
            index_[i] = index_[j];
            i = j;
        }
    }
    index_[i] = Slot{};
    // Swap-remove from the live list.
    Stream* last = live_.back();
    live_[s->table_position] = last;
    last->table_position = s->table_position;
    live_.pop_back();
    free_.push_back(s);
    return true;
}

}  // namespace h2::stream
