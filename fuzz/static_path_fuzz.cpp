// h2serve's static-file resolver: a request path to a file path under the root, a Range
// header, an HTTP date. What decode_path accepts can never name anything outside the root.
#include <cstdlib>
#include <string_view>

#include "h2/runtime/static_files.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    if (const auto p = h2::runtime::StaticFiles::decode_path(input)) {
        if (p->empty() || (*p)[0] != '/') std::abort();
        if (p->find('\0') != std::string::npos || p->find('\\') != std::string::npos) std::abort();
        std::size_t start = 1;  // no segment is . or ..
        while (start <= p->size()) {
            const std::size_t end = std::min(p->find('/', start), p->size());
            const std::string_view seg(p->data() + start, end - start);
            if (seg == "." || seg == "..") std::abort();
            start = end + 1;
        }
    }
    const std::int64_t size_hint = size ? static_cast<std::int64_t>(data[0]) << (data[size - 1] % 40) : 0;
    if (const auto r = h2::runtime::StaticFiles::parse_range(input, size_hint)) {
        const bool unsatisfiable = r->first == -1 && r->second == -1;
        if (!unsatisfiable && (r->first < 0 || r->second < r->first || r->second >= size_hint)) std::abort();
    }
    (void)h2::runtime::StaticFiles::parse_http_date(input);
    return 0;
}
