// The write side of a connection (internal header): an output batch of the engine, with the
// external payloads it lists resolved to their sources, written to the socket.
//
// Cleartext: the engine's octets and payloads in memory leave by sendmsg(2) as one gather
// list; file payloads of large DATA frames by sendfile(2) (the octets before one go with
// MSG_MORE, so that a DATA header and its payload share a segment), those of ordinary frames
// read into a buffer first and sent with the rest (read_short_file_payloads). TLS: everything
// is encrypted in records of 16 KiB (files read by pread(2) a record at a time) into one
// buffer of records, written with as few send(2) calls as the socket takes (TlsWriter).
#pragma once

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "h2/connection/connection.hpp"
#include "h2/runtime/fields.hpp"
#include "tls_writer.hpp"

namespace h2::runtime {

namespace asio = boost::asio;
using TlsStream = asio::ssl::stream<asio::ip::tcp::socket>;

// Where a stream's external DATA payload comes from: a file range, or octets in memory that
// `keep` keeps alive (a cached file's content).
struct BodySource {
    FileRange file;
    std::span<const std::uint8_t> memory;
    std::shared_ptr<const void> keep;
    std::uint64_t taken = 0;                           // octets handed to write plans so far
    std::chrono::steady_clock::time_point progress{};  // when kStallMinOctets more were last taken
    std::uint64_t taken_at_progress = 0;
    bool abandoned = false;  // its stream ended: dropped once no batch can refer to it

    std::uint64_t length() const noexcept { return file ? file.length() : memory.size(); }
};

struct WritePiece {
    std::span<const std::uint8_t> octets;  // engine octets, or a payload in memory
    int fd = -1;                           // else: `length` octets of this file at `offset`
    std::uint64_t offset = 0;
    std::uint64_t length = 0;
};

class WritePlan {
public:
    // The batch; each external payload resolved by `source(stream)` (never null: the caller
    // keeps a source until its last octet was planned). Sources are kept alive by the plan.
    template <class SourceOf>
    void build(const Connection::OutputBatch& batch, SourceOf&& source);
    void clear() noexcept;
    bool empty() const noexcept { return pieces_.empty(); }
    bool has_file() const noexcept { return has_file_; }
    std::size_t engine_octets() const noexcept { return engine_octets_; }
    std::uint64_t remaining() const noexcept { return remaining_; }

    // Cleartext: file payloads shorter than `sendfile_min` are read into `buffer` (one pread(2)
    // per run of one file), so that the whole batch leaves by one sendmsg(2): for DATA frames
    // of 16 KiB, two system calls per frame (header, then sendfile) cost more than the copy.
    void read_short_file_payloads(std::vector<std::uint8_t>& buffer, std::uint64_t sendfile_min);
    // Cleartext: writes as much as the socket takes now (non-blocking). Returns true when the
    // whole plan is written; throws boost::system::system_error on a socket error.
    bool write_now(int fd);
    // TLS: the plan encrypted by `writer` in records of 16 KiB (files read by pread(2), 16 KiB
    // at a time, into `chunk`). Throws boost::system::system_error.
    void encrypt(TlsWriter& writer, std::vector<std::uint8_t>& chunk) const;

private:
    void add_octets(std::span<const std::uint8_t> octets);
    bool write_memory_run(int fd, std::size_t end);  // pieces [next_, end) by sendmsg

    std::vector<WritePiece> pieces_;
    std::vector<std::shared_ptr<BodySource>> keep_;
    std::size_t engine_octets_ = 0;
    std::uint64_t remaining_ = 0;
    bool has_file_ = false;
    std::size_t next_ = 0;       // first piece not wholly written
    std::uint64_t partial_ = 0;  // octets of pieces_[next_] written
};

template <class SourceOf>
void WritePlan::build(const Connection::OutputBatch& batch, SourceOf&& source) {
    clear();
    std::size_t at = 0;
    for (const auto& x : batch.external) {
        const std::size_t upto = x.offset - batch.consumed;
        add_octets(batch.octets.subspan(at, upto - at));
        at = upto;
        const std::shared_ptr<BodySource>& s = source(x.stream);
        if (keep_.empty() || keep_.back() != s) keep_.push_back(s);
        if (s->file) {
            pieces_.push_back({{}, s->file.fd(), s->file.offset() + s->taken, x.length});
            has_file_ = true;
        } else {
            pieces_.push_back({s->memory.subspan(s->taken, x.length), -1, 0, x.length});
        }
        s->taken += x.length;
        remaining_ += x.length;
    }
    add_octets(batch.octets.subspan(at));
    engine_octets_ = batch.octets.size();
}

}  // namespace h2::runtime
