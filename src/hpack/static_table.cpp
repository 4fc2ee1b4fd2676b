#include "h2/hpack/static_table.hpp"

#include "h2/hpack/hash.hpp"

namespace h2::hpack {
namespace {

constexpr std::size_t kSlots = 128;  // power of two, above twice the 52 distinct names

constexpr std::uint32_t hash_name(std::string_view s) noexcept { return hash_string(s); }

// slot -> index of the first static entry with that name (0 = empty), linear probing.
constexpr std::array<std::uint8_t, kSlots> build_name_slots() {
    std::array<std::uint8_t, kSlots> slots{};
    for (std::size_t i = 1; i <= static_table_size; ++i) {
        if (static_table[i].name == static_table[i - 1].name) continue;  // not the first
        std::size_t s = hash_name(static_table[i].name) & (kSlots - 1);
        while (slots[s] != 0) s = (s + 1) & (kSlots - 1);
        slots[s] = static_cast<std::uint8_t>(i);
    }
    return slots;
}

constexpr std::array<std::uint8_t, kSlots> kNameSlots = build_name_slots();

// For the first entry of each name, one past the last entry with that name.
constexpr std::array<std::uint8_t, static_table_size + 1> build_name_ends() {
    std::array<std::uint8_t, static_table_size + 1> ends{};
    for (std::size_t i = 1; i <= static_table_size;) {
        std::size_t j = i;
        while (j <= static_table_size && static_table[j].name == static_table[i].name) ++j;
        ends[i] = static_cast<std::uint8_t>(j);
        i = j;
    }
    return ends;
}

constexpr std::array<std::uint8_t, static_table_size + 1> kNameEnds = build_name_ends();

}  // namespace

StaticMatch find_static(std::string_view name, std::string_view value) noexcept {
    return find_static(name, value, hash_name(name));
}

StaticMatch find_static(std::string_view name, std::string_view value, std::uint32_t name_hash) noexcept {
    std::size_t s = name_hash & (kSlots - 1);
    for (;;) {
        const std::uint8_t first = kNameSlots[s];
        if (first == 0) return {};
        if (same(static_table[first].name, name)) {
            StaticMatch m{0, first};
            // Entries with the same name are adjacent (RFC 7541 Appendix A).
            for (std::size_t i = first; i < kNameEnds[first]; ++i) {
                if (same(static_table[i].value, value)) {
                    m.full = static_cast<std::uint8_t>(i);
                    break;
                }
            }
            return m;
        }
        s = (s + 1) & (kSlots - 1);
    }
}

}  // namespace h2::hpack
