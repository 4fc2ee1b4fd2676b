// The runtime's vocabulary types: header fields (owned and viewed) and a file range to send.
// No Boost here.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace h2::runtime {

// Header fields, owned: names in lower case for HTTP/2 (RFC 9113 §8.2.1), in order.
using FieldVector = std::vector<std::pair<std::string, std::string>>;
// A field by reference (name in lower case); what a response's head is written from.
using FieldView = std::pair<std::string_view, std::string_view>;

// An open file and the range of it to send; closes the descriptor when destroyed.
class FileRange {
public:
    FileRange() = default;
    FileRange(int fd, std::uint64_t offset, std::uint64_t length) noexcept
        : fd_(fd), offset_(offset), length_(length) {}
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

}  // namespace h2::runtime
