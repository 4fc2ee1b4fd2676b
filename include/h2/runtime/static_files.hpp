// Static files (h2serve's main job), independent of any transport: a request's method, path
// and validators in, a response plan out: status, fields, and an open file range to send.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "h2/runtime/fields.hpp"

namespace h2::runtime {

struct StaticRequest {
    std::string_view method;
    std::string_view path;  // :path, with any query
    std::string_view if_none_match;
    std::string_view if_modified_since;
    std::string_view range;
};

struct StaticResponse {
    int status = 200;
    FieldVector fields;  // without :status
    std::string body;    // for error pages
    FileRange file;      // for 200 and 206 on GET
};

// A regular file under the root as the file cache keeps it: resolved, validated and its
// response fields made once; its content too when it is small.
struct CachedFile {
    CachedFile() = default;
    CachedFile(const CachedFile&) = delete;
    CachedFile& operator=(const CachedFile&) = delete;
    ~CachedFile();

    std::string path;  // canonical
    std::uint64_t size = 0;
    std::int64_t mtime = 0;  // seconds
    std::string etag, last_modified, content_length;
    std::string_view content_type;
    bool in_memory = false;
    std::string content;  // the whole file, when in_memory
    int fd = -1;          // open (read-only) when not in memory
    // The head of a full 200: content-type, etag, last-modified, accept-ranges, content-length
    // (views into this object).
    std::vector<FieldView> fields;

    // A range of the file (not in memory) with a descriptor of its own (a dup of `fd`);
    // throws std::system_error when no descriptor is left.
    FileRange range(std::uint64_t first, std::uint64_t length) const;

    // For revalidation.
    std::uint64_t device = 0, inode = 0;
    std::int64_t mtime_ns = 0;
    std::chrono::steady_clock::time_point checked;
};

// Serves files under `root`. Never returns anything outside it: `..`, encoded dots and
// separators, NUL octets and symbolic links that lead out of the root are refused.
class StaticFiles {
public:
    explicit StaticFiles(std::filesystem::path root);
    StaticResponse serve(const StaticRequest& request) const;

    // The file at `path` (a request's :path) through the file cache: one per thread (no
    // locks), up to kCacheEntries files, those up to kInMemoryLimit octets in memory. An entry
    // is checked with stat(2) when it is older than kRevalidateAfter and rebuilt if the file
    // changed, so a changed file is served changed within that time. Null with `status` set
    // (400, 403, 404) when there is no such file.
    static constexpr std::size_t kCacheEntries = 1024;
    static constexpr std::uint64_t kInMemoryLimit = 64 * 1024;
    static constexpr std::chrono::milliseconds kRevalidateAfter{1000};
    std::shared_ptr<const CachedFile> lookup(std::string_view path, int& status) const;

    const std::filesystem::path& root() const noexcept { return root_; }

    // The pieces, public for tests.
    static std::optional<std::string> decode_path(std::string_view path);  // nullopt: refused
    static std::string_view content_type(std::string_view extension);
    static std::string http_date(std::int64_t unix_seconds);
    static std::optional<std::int64_t> parse_http_date(std::string_view s);
    // RFC 9110 §14.2: a single range of a `size`-octet file, as [first, last]; nullopt when the
    // header is not one range we understand (serve the whole file), {-1,-1} if unsatisfiable.
    static std::optional<std::pair<std::int64_t, std::int64_t>> parse_range(std::string_view header, std::int64_t size);

private:
    std::shared_ptr<const CachedFile> load(std::string_view path, int& status) const;

    std::filesystem::path root_;  // canonical
    std::uint64_t id_;            // the file cache's key
};

}  // namespace h2::runtime
