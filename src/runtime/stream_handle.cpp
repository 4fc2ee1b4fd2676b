#include "stream_handle.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>

namespace h2::runtime {

namespace asio = boost::asio;

StreamHandle::StreamHandle(HandleHost& host, StreamId id, const asio::any_io_executor& executor,
                           std::chrono::seconds stall_timeout)
    : host_(&host),
      id_(id),
      executor_(executor),
      stall_timeout_(stall_timeout),
      read_signal_(executor),
      write_signal_(executor) {}

void StreamHandle::check() const {
    if (gone_) throw boost::system::system_error(asio::error::connection_reset, "stream reset");
}

void StreamHandle::enqueue() {
    if (host_ && !queued) {
        queued = true;
        host_->queue(shared_from_this());
    }
}

void StreamHandle::begin_wait() noexcept {
    stall_since_ = std::chrono::steady_clock::now();
    moved_ = 0;
}

// Progress is kStallMinOctets moved, not any octet: a peer that opens its window one octet at
// a time (or sends a body that way) does not hold a stream forever.
void StreamHandle::moved(std::size_t n) noexcept {
    moved_ += n;
    if (moved_ < kStallMinOctets) return;
    stall_since_ = std::chrono::steady_clock::now();
    moved_ = 0;
}

asio::awaitable<bool> StreamHandle::wait(asio::steady_timer& signal, bool limited) {
    if (limited) {
        signal.expires_at(stall_since_ + stall_timeout_);
    } else {
        signal.expires_at(std::chrono::steady_clock::time_point::max());
    }
    const auto [ec] = co_await signal.async_wait(asio::as_tuple(asio::use_awaitable));
    co_return ec == asio::error::operation_aborted;  // signalled; else the stall timeout passed
}

void StreamHandle::release_read() noexcept {
    if (reading_.empty()) return;
    if (host_) release_ += static_cast<std::uint32_t>(reading_.size());
    reading_.clear();
    if (release_ > 0) enqueue();
}

asio::awaitable<std::span<const std::uint8_t>> StreamHandle::read() {
    release_read();
    if (!tunnel_) begin_wait();  // (a tunnel's writes own the stall clock)
    while (inbound_.empty() && !inbound_ended_) {
        check();
        // SECURITY-PLAN SEC-15g: a body that does not come is not waited for forever.
        const bool signalled = co_await wait(read_signal_, !tunnel_);
        if (!signalled) stalled(true);
    }
    // A body that arrived whole stays readable if the stream went away since: RFC 9113 §8.1,
    // a response completed before the request body ends stands when the server then sends
    // RST_STREAM(NO_ERROR).
    if (!inbound_ended_) check();
    std::swap(inbound_, reading_);
    co_return std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(reading_.data()), reading_.size());
}

asio::awaitable<void> StreamHandle::submit(Command c) {
    check();
    if (!host_) throw boost::system::system_error(asio::error::not_connected, "stream already closed");
    command_ = std::move(c);
    command_pending_ = true;
    enqueue();
    // The command holds views into the caller's frame: it must not outlive this call.
    struct Withdraw {
        StreamHandle& h;
        ~Withdraw() {
            if (!h.command_pending_) return;
            const bool partly_taken = h.command_.kind == Command::Kind::data;
            h.command_ = {};
            h.command_pending_ = false;
            if (partly_taken) h.reset(ErrorCode::cancel);  // the body is broken off
        }
    } withdraw{*this};
    begin_wait();
    while (command_pending_) {
        check();
        // SEC-15g: a response the peer never lets through does not hold the stream forever.
        const bool signalled = co_await wait(write_signal_);
        if (!signalled) stalled(false);
    }
    check();
}

// (Each command is built in a named variable: GCC 12 destroys a temporary with a destructor
// twice when it appears inside a co_await expression.)
asio::awaitable<void> StreamHandle::send_head(int status, FieldsRef fields, bool end) {
    Command c{Command::Kind::head, status, fields, {}, end, nullptr};
    co_await submit(std::move(c));
}

asio::awaitable<void> StreamHandle::send_data(std::span<const std::uint8_t> data, bool end) {
    Command c{Command::Kind::data, 0, {}, data, end, nullptr};
    co_await submit(std::move(c));
}

asio::awaitable<void> StreamHandle::send_trailers(FieldsRef fields) {
    Command c{Command::Kind::trailers, 0, fields, {}, true, nullptr};
    co_await submit(std::move(c));
}

asio::awaitable<void> StreamHandle::send_body(std::shared_ptr<BodySource> source) {
    Command c{Command::Kind::body, 0, {}, {}, true, std::move(source)};
    co_await submit(std::move(c));
}

void StreamHandle::stalled(bool reading) noexcept {
    stalled_reading_ = reading;
    if (ending_.kind == Ending::Kind::none) ending_.kind = Ending::Kind::stalled;
    reset(ErrorCode::cancel);
}

void StreamHandle::on_reset(ErrorCode code, Initiator who) noexcept {
    if (ending_.kind == Ending::Kind::none) ending_ = {Ending::Kind::reset, code, who};
    on_gone();
}

void StreamHandle::on_not_processed() noexcept {
    if (ending_.kind == Ending::Kind::none) ending_.kind = Ending::Kind::not_processed;
    on_gone();
}

void StreamHandle::reset(ErrorCode code) noexcept {
    if (gone_ || !host_) return;
    reset_ = code;
    gone_ = true;
    read_signal_.cancel();
    write_signal_.cancel();
    try {
        enqueue();
    } catch (...) {  // out of memory queueing: the connection's end will do
    }
}

void StreamHandle::discard_inbound() noexcept {
    discarding_ = true;
    release_read();
    if (host_) release_ += static_cast<std::uint32_t>(inbound_.size());
    inbound_.clear();
    if (release_ > 0) {
        try {
            enqueue();
        } catch (...) {}
    }
}

void StreamHandle::on_data(std::span<const std::uint8_t> data, bool end_stream) {
    if (end_stream) inbound_ended_ = true;
    if (discarding_ || gone_) {
        release_ += static_cast<std::uint32_t>(data.size());  // nobody reads it: credit back now
        if (release_ > 0) enqueue();
    } else {
        inbound_.append(reinterpret_cast<const char*>(data.data()), data.size());
    }
    if (!tunnel_) moved(data.size());  // (a tunnel's clock is its writer's: octets out count)
    read_signal_.cancel();
}

void StreamHandle::on_trailers(std::span<const hpack::HeaderField> fields) {
    for (const auto& f : fields) trailers_.emplace_back(f.name, f.value);
    on_end_of_inbound();
}

void StreamHandle::on_end_of_inbound() noexcept {
    inbound_ended_ = true;
    read_signal_.cancel();
}

void StreamHandle::on_writable() {
    if (command_pending_) enqueue();
}

void StreamHandle::on_closed() noexcept {
    host_ = nullptr;
    if (command_pending_) on_gone();  // cannot be applied any more
    inbound_ended_ = true;
    read_signal_.cancel();
}

void StreamHandle::on_gone() noexcept {
    if (ending_.kind == Ending::Kind::none) ending_.kind = Ending::Kind::connection;
    host_ = nullptr;
    gone_ = true;
    command_pending_ = false;
    command_ = {};
    read_signal_.cancel();
    write_signal_.cancel();
}

void StreamHandle::command_progressed(std::size_t taken) noexcept {
    moved(taken);
    write_signal_.cancel();
}

void StreamHandle::command_done() noexcept {
    command_pending_ = false;
    command_ = {};
    write_signal_.cancel();
}

std::uint32_t StreamHandle::take_release() noexcept {
    const std::uint32_t n = release_;
    release_ = 0;
    return n;
}

std::optional<ErrorCode> StreamHandle::take_reset() noexcept {
    auto r = reset_;
    reset_.reset();
    return r;
}

}  // namespace h2::runtime
