#include "h2/runtime/fields.hpp"

#include <unistd.h>

namespace h2::runtime {

FileRange::FileRange(FileRange&& o) noexcept : fd_(o.fd_), offset_(o.offset_), length_(o.length_) { o.fd_ = -1; }
FileRange& FileRange::operator=(FileRange&& o) noexcept {
    if (this != &o) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = o.fd_;
        offset_ = o.offset_;
        length_ = o.length_;
        o.fd_ = -1;
    }
    return *this;
}
FileRange::~FileRange() {
    if (fd_ >= 0) ::close(fd_);
}

}  // namespace h2::runtime
