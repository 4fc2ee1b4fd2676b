#include "write_plan.hpp"

#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace h2::runtime {

namespace {
[[noreturn]] void fail(int error, const char* what) {
    throw boost::system::system_error(error, boost::system::system_category(), what);
}
constexpr std::size_t kMaxIovecs = 64;
}  // namespace

void WritePlan::clear() noexcept {
    pieces_.clear();
    keep_.clear();
    engine_octets_ = 0;
    remaining_ = 0;
    has_file_ = false;
    next_ = 0;
    partial_ = 0;
}

void WritePlan::add_octets(std::span<const std::uint8_t> octets) {
    if (octets.empty()) return;
    pieces_.push_back({octets, -1, 0, octets.size()});
    remaining_ += octets.size();
}

void WritePlan::read_short_file_payloads(std::vector<std::uint8_t>& buffer, std::uint64_t sendfile_min) {
    std::size_t total = 0;
    for (const WritePiece& p : pieces_) {
        if (p.fd >= 0 && p.length < sendfile_min) total += p.length;
    }
    if (total == 0) return;
    buffer.resize(total);  // not grown again below: the spans into it stay valid
    std::uint8_t* out = buffer.data();
    has_file_ = false;
    for (std::size_t i = 0; i < pieces_.size(); ++i) {
        WritePiece& p = pieces_[i];
        if (p.fd < 0) continue;
        if (p.length >= sendfile_min) {
            has_file_ = true;
            continue;
        }
        // The run of short payloads of this file that follow on (one pread for all of them).
        std::uint64_t run = p.length;
        for (std::size_t j = i + 1; j < pieces_.size(); ++j) {
            const WritePiece& q = pieces_[j];
            if (q.fd < 0) continue;  // frame headers between them
            if (q.fd != p.fd || q.length >= sendfile_min || q.offset != p.offset + run) break;
            run += q.length;
        }
        for (std::uint64_t got = 0; got < run;) {
            const ssize_t n = ::pread(p.fd, out + got, run - got, static_cast<off_t>(p.offset + got));
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) fail(n == 0 ? EIO : errno, "pread");
            got += static_cast<std::uint64_t>(n);
        }
        // Point this piece and the following ones of the run into the buffer.
        for (std::uint64_t left = run; left > 0; ++i) {
            WritePiece& q = pieces_[i];
            if (q.fd < 0) continue;
            q.octets = {out, static_cast<std::size_t>(q.length)};
            q.fd = -1;
            out += q.length;
            left -= q.length;
        }
        --i;
    }
}

bool WritePlan::write_now(int fd) {
    while (next_ < pieces_.size()) {
        if (pieces_[next_].fd < 0) {
            std::size_t end = next_;
            while (end < pieces_.size() && pieces_[end].fd < 0) ++end;
            if (!write_memory_run(fd, end)) return false;
            continue;
        }
        WritePiece& p = pieces_[next_];
        off_t offset = static_cast<off_t>(p.offset + partial_);
        const ssize_t n = ::sendfile(fd, p.fd, &offset, p.length - partial_);
        if (n > 0) {
            partial_ += static_cast<std::uint64_t>(n);
            remaining_ -= static_cast<std::uint64_t>(n);
            if (partial_ == p.length) {
                ++next_;
                partial_ = 0;
            }
        } else if (n == 0) {
            fail(EIO, "file truncated");  // it shrank since it was opened: the stream cannot end well
        } else if (errno == EAGAIN) {
            return false;
        } else if (errno != EINTR) {
            fail(errno, "sendfile");
        }
    }
    return true;
}

// Memory pieces [next_, end) by sendmsg(2); MSG_MORE when a file payload follows them.
bool WritePlan::write_memory_run(int fd, std::size_t end) {
    while (next_ < end) {
        iovec iov[kMaxIovecs];
        std::size_t count = 0;
        for (std::size_t i = next_; i < end && count < kMaxIovecs; ++i, ++count) {
            const auto& o = pieces_[i].octets;
            const std::size_t skip = i == next_ ? partial_ : 0;
            iov[count] = {const_cast<std::uint8_t*>(o.data() + skip), o.size() - skip};
        }
        msghdr msg{};
        msg.msg_iov = iov;
        msg.msg_iovlen = count;
        const bool more = next_ + count < pieces_.size();
        const ssize_t n = ::sendmsg(fd, &msg, MSG_NOSIGNAL | (more ? MSG_MORE : 0));
        if (n < 0) {
            if (errno == EAGAIN) return false;
            if (errno == EINTR) continue;
            fail(errno, "sendmsg");
        }
        std::uint64_t left = static_cast<std::uint64_t>(n);
        remaining_ -= left;
        while (left > 0) {
            const std::uint64_t in_piece = pieces_[next_].octets.size() - partial_;
            if (left < in_piece) {
                partial_ += left;
                break;
            }
            left -= in_piece;
            ++next_;
            partial_ = 0;
        }
    }
    return true;
}

namespace {

// File octets bound for places in the chunk, read by one preadv(2) while they are contiguous
// in one file (DATA payloads of 16 KiB with a frame header between them in the chunk).
class ChunkReads {
public:
    void add(int fd, std::uint64_t offset, std::uint8_t* to, std::size_t length) {
        if (count_ > 0 && (fd != fd_ || offset != offset_ + bytes_ || count_ == kMaxIovecs)) finish();
        if (count_ == 0) {
            fd_ = fd;
            offset_ = offset;
        }
        iov_[count_++] = {to, length};
        bytes_ += length;
    }
    void finish() {
        std::size_t first = 0;
        while (bytes_ > 0) {
            const ssize_t n =
                ::preadv(fd_, iov_ + first, static_cast<int>(count_ - first), static_cast<off_t>(offset_));
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) fail(n == 0 ? EIO : errno, "pread");  // the file shrank
            offset_ += static_cast<std::uint64_t>(n);
            bytes_ -= static_cast<std::size_t>(n);
            for (std::size_t left = static_cast<std::size_t>(n); left > 0;) {
                const std::size_t step = std::min(left, iov_[first].iov_len);
                iov_[first].iov_base = static_cast<std::uint8_t*>(iov_[first].iov_base) + step;
                iov_[first].iov_len -= step;
                left -= step;
                if (iov_[first].iov_len == 0) ++first;
            }
        }
        count_ = 0;
    }

private:
    iovec iov_[kMaxIovecs];
    std::size_t count_ = 0, bytes_ = 0;
    int fd_ = -1;
    std::uint64_t offset_ = 0;
};

}  // namespace

// Records of 16 KiB, gathered 64 KiB at a time in `chunk` (small enough to stay in the cache
// between the read or copy and the encryption, large enough for few reads); long runs in
// memory are encrypted where they are.
void WritePlan::encrypt(TlsWriter& writer, std::vector<std::uint8_t>& chunk) const {
    constexpr std::size_t kRecord = 16 * 1024, kChunk = 4 * kRecord;
    chunk.resize(kChunk);
    std::size_t filled = 0;
    ChunkReads reads;
    const auto flush = [&] {
        reads.finish();
        writer.encrypt({chunk.data(), filled});
        filled = 0;
    };
    for (const WritePiece& p : pieces_) {
        if (p.fd >= 0) {
            for (std::uint64_t done = 0; done < p.length;) {
                const std::size_t n =
                    static_cast<std::size_t>(std::min<std::uint64_t>(p.length - done, kChunk - filled));
                reads.add(p.fd, p.offset + done, chunk.data() + filled, n);
                done += n;
                filled += n;
                if (filled == kChunk) flush();
            }
            continue;
        }
        std::span<const std::uint8_t> rest = p.octets;
        while (!rest.empty()) {
            if (filled == 0 && rest.size() >= kRecord) {
                const std::size_t whole = rest.size() - rest.size() % kRecord;
                writer.encrypt(rest.first(whole));
                rest = rest.subspan(whole);
                continue;
            }
            const std::size_t n = std::min(rest.size(), kChunk - filled);
            std::memcpy(chunk.data() + filled, rest.data(), n);
            filled += n;
            rest = rest.subspan(n);
            if (filled == kChunk) flush();
        }
    }
    if (filled > 0) flush();
}

}  // namespace h2::runtime
