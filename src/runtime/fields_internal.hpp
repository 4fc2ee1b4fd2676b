// Small helpers for building HTTP/2 header lists in the runtime (internal header).
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "h2/hpack/field.hpp"
#include "h2/runtime/fields.hpp"

namespace h2::runtime {

// The three digits of a status (100-999) for :status, without formatting.
inline std::string_view status_digits(int status, char (&out)[3]) noexcept {
    out[0] = static_cast<char>('0' + status / 100 % 10);
    out[1] = static_cast<char>('0' + status / 10 % 10);
    out[2] = static_cast<char>('0' + status % 10);
    return {out, 3};
}

// `list` made the header list of a response: :status, then `fields` (views: `code` and the
// fields must outlive its use).
inline std::vector<hpack::HeaderField>& head_fields(std::vector<hpack::HeaderField>& list, int status,
                                                    std::span<const FieldView> fields, char (&code)[3]) {
    list.clear();
    list.push_back({":status", status_digits(status, code)});
    for (const auto& [n, v] : fields) list.push_back({n, v});
    return list;
}

}  // namespace h2::runtime
