#include "h2/hpack/dynamic_table.hpp"

#include <algorithm>
#include <cstring>

namespace h2::hpack {

// The octet ring holds at least twice the table's size with the entry being written (it
// starts at 256 octets and doubles, up to twice the maximum size: a connection with a few
// entries keeps a few hundred octets, not 8 KiB). Entries are written one after the other and
// the writer wraps to 0 when the next entry does not fit before the end. With a capacity of
// 2B, where live entries hold at most B - s octets when an entry of s octets is written, the
// space it needs is always free: before the wrap the oldest entry starts beyond B, and after
// it the entries written before the wrap end beyond B. A growth copies the live entries to
// the start of the new ring, where the same holds for the larger B.

void DynamicTable::evict_oldest() noexcept {
    const Slot& s = slots_[oldest_seq_ & slot_mask_];
    size_ -= static_cast<std::uint32_t>(s.name_len + s.value_len + entry_overhead);
    ++oldest_seq_;
    if (count() == 0) write_pos_ = 0;
}

void DynamicTable::set_max_size(std::uint32_t max_size) {
    max_size_ = max_size;
    while (size_ > max_size_) evict_oldest();
}

void DynamicTable::reserve_bytes(std::size_t capacity) {
    // Copies the live entries, oldest first, to the start of a new ring.
    auto fresh = std::make_unique<char[]>(std::max<std::size_t>(capacity, 1));
    std::size_t pos = 0;
    for (std::uint64_t seq = oldest_seq_; seq != next_seq_; ++seq) {
        Slot& s = slots_[seq & slot_mask_];
        std::memcpy(fresh.get() + pos, bytes_.get() + s.offset, s.name_len + s.value_len);
        s.offset = static_cast<std::uint32_t>(pos);
        pos += s.name_len + s.value_len;
    }
    bytes_ = std::move(fresh);
    bytes_capacity_ = std::max<std::size_t>(capacity, 1);
    write_pos_ = pos;
}

void DynamicTable::grow_slots() {
    const std::size_t n = slots_.empty() ? 16 : slots_.size() * 2;
    std::vector<Slot> fresh(n);
    for (std::uint64_t seq = oldest_seq_; seq != next_seq_; ++seq) {
        fresh[seq & (n - 1)] = slots_[seq & slot_mask_];
    }
    slots_ = std::move(fresh);
    slot_mask_ = n - 1;
}

bool DynamicTable::insert(std::string_view name, std::string_view value) {
    const std::size_t entry = field_size(name, value);
    if (entry > max_size_) {
        while (count() > 0) evict_oldest();
        return false;
    }
    while (size_ + entry > max_size_) evict_oldest();
    const std::size_t needed = 2 * (std::size_t{size_} + entry);  // at most twice max_size_
    if (bytes_capacity_ < needed) {
        reserve_bytes(std::min(std::max({needed, 2 * bytes_capacity_, std::size_t{256}}), 2 * std::size_t{max_size_}));
    }
    if (count() == slots_.size()) grow_slots();

    const std::size_t len = name.size() + value.size();
    if (write_pos_ + len > bytes_capacity_) write_pos_ = 0;
    char* p = bytes_.get() + write_pos_;
    if (!name.empty()) std::memcpy(p, name.data(), name.size());
    if (!value.empty()) std::memcpy(p + name.size(), value.data(), value.size());
    slots_[next_seq_ & slot_mask_] = {static_cast<std::uint32_t>(write_pos_), static_cast<std::uint32_t>(name.size()),
                                      static_cast<std::uint32_t>(value.size())};
    ++next_seq_;
    write_pos_ += len;
    size_ += static_cast<std::uint32_t>(entry);
    return true;
}

}  // namespace h2::hpack
