// RFC 9218 §4-§5: the `priority` field and PRIORITY_UPDATE value, a Structured Fields
// dictionary of which only `u` (urgency, integer 0-7) and `i` (incremental, boolean) matter.
#pragma once

#include <cstdint>
#include <string_view>

namespace h2 {

struct Priority {
    std::uint8_t urgency = 3;
    bool incremental = false;
    friend bool operator==(const Priority&, const Priority&) = default;
};

// Applies the members it understands to `p`; anything malformed or unknown is ignored
// (RFC 9218 §4: out-of-range values are ignored, unknown parameters too).
void parse_priority(std::string_view value, Priority& p) noexcept;

}  // namespace h2
