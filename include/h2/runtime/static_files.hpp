// Static files (h2serve's main job), independent of any transport: a request's method, path
// and validators in, a response plan out: status, fields, and an open file range to send.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace h2::runtime {

using FieldVector = std::vector<std::pair<std::string, std::string>>;

// An open file and the range of it to send; closes the descriptor when destroyed.
class FileRange {
public:
    FileRange() = default;
    FileRange(int fd, std::uint64_t offset, std::uint64_t length) noexcept : fd_(fd), offset_(offset), length_(length) {}
    FileRange(FileRange&& o) noexcept;
    FileRange& operator=(FileRange&& o) noexcept;
    FileRange(const FileRange&) = delete;
    FileRange& operator=(const FileRange&) = delete;
    ~FileRange();

    int fd() const noexcept { return fd_; }
    // Gives up ownership of the descriptor.
    int release() noexcept {
        const int f = fd_;
        fd_ = -1;
        return f;
    }
    std::uint64_t offset() const noexcept { return offset_; }
    std::uint64_t length() const noexcept { return length_; }
    explicit operator bool() const noexcept { return fd_ >= 0; }

private:
    int fd_ = -1;
    std::uint64_t offset_ = 0;
    std::uint64_t length_ = 0;
};

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

// Serves files under `root`. Never returns anything outside it: `..`, encoded dots and
// separators, NUL octets and symbolic links that lead out of the root are refused.
class StaticFiles {
public:
    explicit StaticFiles(std::filesystem::path root);
    StaticResponse serve(const StaticRequest& request) const;

    const std::filesystem::path& root() const noexcept { return root_; }

    // The pieces, public for tests.
    static std::optional<std::string> decode_path(std::string_view path);  // nullopt: refused
    static std::string_view content_type(std::string_view extension);
    static std::string http_date(std::int64_t unix_seconds);
    static std::optional<std::int64_t> parse_http_date(std::string_view s);
    // RFC 9110 §14.2: a single range of a `size`-octet file, as [first, last]; nullopt when the
    // header is not one range we understand (serve the whole file), {-1,-1} if unsatisfiable.
    static std::optional<std::pair<std::int64_t, std::int64_t>> parse_range(std::string_view header,
                                                                           std::int64_t size);

private:
    std::filesystem::path root_;  // canonical
};

}  // namespace h2::runtime
