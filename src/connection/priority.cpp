#include "h2/connection/priority.hpp"

namespace h2 {
namespace {

std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

}  // namespace

void parse_priority(std::string_view value, Priority& p) noexcept {
    while (!value.empty()) {
        const std::size_t comma = value.find(',');
        std::string_view member = trim(value.substr(0, comma));
        value = comma == std::string_view::npos ? std::string_view{} : value.substr(comma + 1);
        // Parameters of a member (";a=b") do not matter here.
        member = trim(member.substr(0, member.find(';')));
        const std::size_t eq = member.find('=');
        const std::string_view key = trim(member.substr(0, eq));
        const std::string_view v = eq == std::string_view::npos ? "?1" : trim(member.substr(eq + 1));
        if (key == "u") {
            if (v.size() == 1 && v[0] >= '0' && v[0] <= '7') p.urgency = static_cast<std::uint8_t>(v[0] - '0');
        } else if (key == "i") {
            if (v == "?1") p.incremental = true;
            else if (v == "?0") p.incremental = false;
        }
    }
}

}  // namespace h2
