// A header field as HPACK sees it (RFC 7541 §1.3): a name and a value of any octets.
#pragma once

#include <string_view>

namespace h2::hpack {

struct HeaderField {
    std::string_view name;
    std::string_view value;
    // RFC 7541 §6.2.3: received as, or to be sent as, "never indexed". An intermediary
    // must keep this representation when it forwards the field (§7.1.3).
    bool never_index = false;

    friend bool operator==(const HeaderField& a, const HeaderField& b) noexcept {
        return a.name == b.name && a.value == b.value && a.never_index == b.never_index;
    }
};

// RFC 7541 §4.1: the size of an entry is its name and value lengths plus 32.
inline constexpr std::size_t entry_overhead = 32;

inline std::size_t field_size(std::string_view name, std::string_view value) noexcept {
    return name.size() + value.size() + entry_overhead;
}

}  // namespace h2::hpack
