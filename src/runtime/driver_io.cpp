// The connection driver's socket side (see driver.hpp): a batch of output planned and
// written (sendmsg/sendfile, or TlsWriter's records), and reads (the connection's buffer, or
// the server's small buffer and the worker thread's 64 KiB one).
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "driver.hpp"

namespace h2::runtime {

namespace asio = boost::asio;

template <class Socket>
const std::shared_ptr<BodySource>& Driver<Socket>::source_of(StreamId id) {
    for (const auto& [sid, s] : sources_) {
        if (sid == id) return s;
    }
    throw std::logic_error("external DATA without a body source");
}

// Takes the next batch; on cleartext writes it at once if the socket takes it. Returns true
// when a batch went out whole (more may be pending).
template <class Socket>
bool Driver<Socket>::start_write(Clock::time_point now) {
    const auto batch = conn_.pending_batch();
    if (batch.octets.empty()) {
        if constexpr (tls) {
            // What a read made OpenSSL send (an alert, a KeyUpdate).
            if (tls_writer_->pending()) {
                write_size_ = 0;
                return continue_write(now);
            }
        }
        return false;
    }
    plan_.build(batch, [this, now](StreamId id) -> const std::shared_ptr<BodySource>& {
        const auto& s = source_of(id);
        if (s->taken - s->taken_at_progress >= kStallMinOctets || s->taken + kStallMinOctets >= s->length()) {
            s->progress = now;  // its body moves (checked before this payload is added: close enough)
            s->taken_at_progress = s->taken;
        }
        return s;
    });
    if (!sources_.empty()) {
        // Fully planned bodies, and those of ended streams after a plan that followed the end.
        std::erase_if(sources_,
                      [](const auto& p) { return p.second->taken == p.second->length() || p.second->abandoned; });
    }
    write_size_ = batch.octets.size();
    write_progress_ = now;
    if (trace_) trace_batch(batch);
    try {
        if constexpr (!tls) {
            if (!batch.external.empty()) plan_.read_short_file_payloads(file_buffer_, kSendfileMin);
        } else {
            plan_.encrypt(*tls_writer_, tls_buffer_);
        }
    } catch (const boost::system::system_error& e) {
        fail(e.what());  // a file that shrank (its stream cannot be completed), or OpenSSL failed
        return false;
    }
    return continue_write(now);
}

template <class Socket>
bool Driver<Socket>::continue_write(Clock::time_point now) {
    const int fd = socket_.lowest_layer().native_handle();
    const auto left = [this] {
        if constexpr (tls) return std::uint64_t{tls_writer_->pending_octets()};
        return plan_.remaining();
    };
    const std::uint64_t before = left();
    bool done = false;
    try {
        if constexpr (tls) {
            done = tls_writer_->flush(fd);
        } else {
            done = plan_.write_now(fd);
        }
    } catch (const boost::system::system_error& e) {
        fail(e.what());
        return false;
    }
    if (left() != before) write_progress_ = now;
    if (done) {
        finish_write();
        return true;
    }
    write_in_flight_ = true;
    socket_.lowest_layer().async_wait(asio::socket_base::wait_write, [this](const boost::system::error_code& ec) {
        write_in_flight_ = false;
        write_done_ = true;
        write_error_ = ec;
        wake();
    });
    return false;
}

template <class Socket>
void Driver<Socket>::trace_batch(const Connection::OutputBatch& batch) {
    std::size_t at = 0;
    for (const auto& x : batch.external) {
        const std::size_t upto = x.offset - batch.consumed;
        trace_->octets(true, batch.octets.subspan(at, upto - at));
        trace_->external(x.length);
        at = upto;
    }
    trace_->octets(true, batch.octets.subspan(at));
}

template <class Socket>
void Driver<Socket>::finish_write() {
    conn_.consume_output(write_size_);
    plan_.clear();
    // An idle connection keeps no batch-sized buffers.
    if (sources_.empty() && !file_buffer_.empty()) std::vector<std::uint8_t>().swap(file_buffer_);
    if constexpr (tls) {
        if (sources_.empty() && conn_.open_streams() == 0) {
            tls_writer_->release();
            if (!tls_buffer_.empty()) std::vector<std::uint8_t>().swap(tls_buffer_);
        }
    }
}

namespace {

std::uint8_t* thread_read_buffer(std::size_t size) {
    thread_local const std::unique_ptr<std::uint8_t[]> shared(new std::uint8_t[size]);
    return shared.get();
}

}  // namespace

// read_into_thread_buffer: the small read came back; when it filled the small buffer, what
// else the socket has is read behind a copy of it in the thread's buffer, so that the engine
// takes it all at once (and its answers leave in one batch).
template <class Socket>
void Driver<Socket>::receive_small_read() {
    if (read_size_ < small_.size()) return receive({small_.data(), read_size_});
    std::uint8_t* buffer = thread_read_buffer(kReadBufferSize);
    std::memcpy(buffer, small_.data(), small_.size());
    ssize_t n;
    do {
        n = ::recv(socket_.lowest_layer().native_handle(), buffer + small_.size(), kReadBufferSize - small_.size(),
                   MSG_DONTWAIT);
    } while (n < 0 && errno == EINTR);
    const int error = n < 0 ? errno : 0;
    const std::size_t got = small_.size() + static_cast<std::size_t>(std::max<ssize_t>(n, 0));
    receive({buffer, got});
    read_ready_ = got == kReadBufferSize;  // more may wait: start_read takes it
    if (n == 0) return fail("the peer closed the connection");
    if (n < 0 && error != EAGAIN && error != EWOULDBLOCK) {
        fail(boost::system::error_code(error, boost::system::system_category()).message());
    }
}

template <class Socket>
void Driver<Socket>::start_read() {
    if constexpr (!tls) {
        if (!read_buffer_) return read_now();
    }
    read_into({read_buffer_.get(), kReadBufferSize});
}

// One read in flight into `to`; its result is taken by take_io_results.
template <class Socket>
void Driver<Socket>::read_into(asio::mutable_buffer to) {
    read_in_flight_ = true;
    socket_.async_read_some(to, [this](const boost::system::error_code& ec, std::size_t n) {
        read_in_flight_ = false;
        read_done_ = true;
        read_error_ = ec;
        read_size_ = n;
        wake();
    });
}

// read_into_thread_buffer: a read of up to 512 octets into the connection's small buffer
// (one recv as ever: asio tries it at once, else waits for readiness; a request or a few
// frames fit, and an idle connection touches no page of a buffer of its own). When it came
// back full, the rest is read into the thread's 64 KiB buffer, handed to the engine at once
// (so the next connection on this thread may reuse it), and the loop runs again at once. A
// full thread buffer, or the eighth read in a row, lets the other handlers ready on this
// thread go first: a peer that keeps sending cannot hold the thread.
template <class Socket>
void Driver<Socket>::read_now() {
    if (read_ready_) {
        read_ready_ = false;
        std::uint8_t* buffer = thread_read_buffer(kReadBufferSize);
        const ssize_t n = ::recv(socket_.lowest_layer().native_handle(), buffer, kReadBufferSize, MSG_DONTWAIT);
        if (n > 0) {
            receive({buffer, static_cast<std::size_t>(n)});
            const bool full = static_cast<std::size_t>(n) == kReadBufferSize;
            if (!full && ++reads_in_a_row_ < 8) return wake();
            reads_in_a_row_ = 0;
            read_in_flight_ = true;
            asio::post(executor_, [this, full] {
                read_in_flight_ = false;
                read_ready_ = full;
                wake();
            });
            return;
        }
        if (n == 0) return fail("the peer closed the connection");
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
            return fail(boost::system::error_code(errno, boost::system::system_category()).message());
        }
    }
    reads_in_a_row_ = 0;
    read_into(asio::buffer(small_));
}

template <class Socket>
void Driver<Socket>::close_socket() noexcept {
    boost::system::error_code ignored;
    socket_.lowest_layer().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    socket_.lowest_layer().close(ignored);
}

// The members defined here, for the two sockets driver.cpp instantiates the class for.
#define H2_DRIVER_IO(S)                                                         \
    template const std::shared_ptr<BodySource>& Driver<S>::source_of(StreamId); \
    template bool Driver<S>::start_write(Clock::time_point);                    \
    template bool Driver<S>::continue_write(Clock::time_point);                 \
    template void Driver<S>::trace_batch(const Connection::OutputBatch&);       \
    template void Driver<S>::finish_write();                                    \
    template void Driver<S>::receive_small_read();                              \
    template void Driver<S>::start_read();                                      \
    template void Driver<S>::read_now();                                        \
    template void Driver<S>::read_into(asio::mutable_buffer);                   \
    template void Driver<S>::close_socket() noexcept;
H2_DRIVER_IO(asio::ip::tcp::socket)
H2_DRIVER_IO(TlsStream)
#undef H2_DRIVER_IO

}  // namespace h2::runtime
