// The HPACK dynamic table (RFC 7541 §2.3.2, §4): a FIFO of entries bounded by a size in
// octets, each entry counting its name, its value and 32 octets of overhead.
//
// Storage is two rings and nothing per entry: one for the octets of names and values,
// sized twice the maximum table size so that every entry is contiguous, and one for entry
// records. Insertion never allocates once the rings have grown to their working size.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "h2/hpack/field.hpp"

namespace h2::hpack {

inline constexpr std::uint32_t default_table_size = 4096;

class DynamicTable {
public:
    struct Entry {
        std::string_view name;
        std::string_view value;
    };

    explicit DynamicTable(std::uint32_t max_size = default_table_size) noexcept : max_size_(max_size) {}

    // Entries, 0 being the newest (HPACK index 62). Views stay valid until the next insert()
    // or set_max_size().
    Entry operator[](std::size_t i) const noexcept { return by_sequence(newest_sequence() - i); }
    std::size_t count() const noexcept { return static_cast<std::size_t>(next_seq_ - oldest_seq_); }
    std::uint32_t size() const noexcept { return size_; }  // RFC 7541 §4.1
    std::uint32_t max_size() const noexcept { return max_size_; }

    // RFC 7541 §4.3: evicts oldest entries until the table fits.
    void set_max_size(std::uint32_t max_size);

    // RFC 7541 §4.4: evicts as needed, then adds the entry. An entry larger than the
    // maximum size empties the table and is not added (returns false). `name` and `value`
    // must not point into this table.
    bool insert(std::string_view name, std::string_view value);

    // Every entry ever inserted has a sequence number, growing from 0; the live ones are
    // [oldest_sequence(), next_sequence()). The encoder indexes entries by these numbers.
    std::uint64_t oldest_sequence() const noexcept { return oldest_seq_; }
    std::uint64_t next_sequence() const noexcept { return next_seq_; }
    std::uint64_t newest_sequence() const noexcept { return next_seq_ - 1; }
    Entry by_sequence(std::uint64_t seq) const noexcept {
        const Slot& s = slots_[seq & slot_mask_];
        const char* p = bytes_.get() + s.offset;
        return {{p, s.name_len}, {p + s.name_len, s.value_len}};
    }
    // HPACK index (62 and up) of a live sequence number.
    std::uint32_t index_of(std::uint64_t seq) const noexcept {
        return static_cast<std::uint32_t>(newest_sequence() - seq) + 62;
    }

private:
    struct Slot {
        std::uint32_t offset;
        std::uint32_t name_len;
        std::uint32_t value_len;
    };

    void evict_oldest() noexcept;
    void grow_slots();
    void reserve_bytes(std::size_t capacity);

    std::uint32_t max_size_;
    std::uint32_t size_ = 0;
    std::uint64_t oldest_seq_ = 0;
    std::uint64_t next_seq_ = 0;
    std::vector<Slot> slots_;  // ring indexed by sequence & slot_mask_
    std::uint64_t slot_mask_ = 0;
    std::unique_ptr<char[]> bytes_;  // ring of name+value octets, grown as entries need it
    std::size_t bytes_capacity_ = 0;
    std::size_t write_pos_ = 0;
};

}  // namespace h2::hpack
