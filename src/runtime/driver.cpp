#include "driver.hpp"

#include <algorithm>
#include <stdexcept>

#include "fields_internal.hpp"

namespace h2::runtime {

namespace asio = boost::asio;

template <class Socket>
Driver<Socket>::Driver(Socket& socket, Connection conn, DriverPolicy& policy, const DriverOptions& options)
    : socket_(socket),
      conn_(std::move(conn)),
      policy_(policy),
      options_(options),
      executor_(socket.get_executor()),
      wake_(executor_),
      // Not zeroed: pages are touched only as reads fill them (an idle connection stays small).
      read_buffer_(!tls && options.read_into_thread_buffer ? nullptr : new std::uint8_t[kReadBufferSize]) {
    if (options_.trace) trace_.emplace(options_.trace, conn_.role() == Role::client);
    if constexpr (tls) tls_writer_.emplace(socket_.native_handle());
}

template <class Socket>
asio::awaitable<void> Driver<Socket>::run(std::span<const std::uint8_t> first) {
    const auto now = Clock::now();
    conn_.set_time(now);
    last_activity_ = write_progress_ = now;
    next_keepalive_ = now + options_.keepalive_interval;
    std::exception_ptr failure;
    try {
        if (!first.empty()) receive(first);
        for (;;) {
            step();
            if (finished()) break;
            co_await wait();
        }
    } catch (...) {
        failure = std::current_exception();
    }
    // Operations in flight refer to this object: close the socket and let them complete.
    close_socket();
    while (read_in_flight_ || write_in_flight_) {
        notified_ = false;
        wake_.expires_after(std::chrono::seconds(1));
        waiting_ = true;
        co_await wake_.async_wait(asio::as_tuple(asio::use_awaitable));
        waiting_ = false;
    }
    end_streams();
    if (failure) std::rethrow_exception(failure);
}

template <class Socket>
void Driver<Socket>::fail(std::string why) {
    fatal_ = true;
    if (failure_.empty()) failure_ = std::move(why);
}

template <class Socket>
void Driver<Socket>::wake() noexcept {
    notified_ = true;
    if (waiting_) wake_.cancel();
}

template <class Socket>
asio::awaitable<void> Driver<Socket>::wait() {
    if (notified_) {
        notified_ = false;
        co_return;
    }
    wake_.expires_at(next_deadline(Clock::now()));
    waiting_ = true;
    co_await wake_.async_wait(asio::as_tuple(asio::use_awaitable));
    waiting_ = false;
    notified_ = false;
}

template <class Socket>
void Driver<Socket>::queue(std::shared_ptr<StreamHandle> h) {
    queued_.push_back(std::move(h));
    wake();
}

template <class Socket>
void Driver<Socket>::request_shutdown() {
    shutdown_requested_ = true;
    wake();
}

template <class Socket>
void Driver<Socket>::attach(std::shared_ptr<StreamHandle> handle) {
    handles_.push_back(std::move(handle));
}

template <class Socket>
bool Driver<Socket>::send_body(StreamId id, std::shared_ptr<BodySource> source) {
    if (conn_.submit_external_data(id, source->length() - source->taken, true) != SubmitError::none) return false;
    source->progress = Clock::now();
    sources_.push_back({id, std::move(source)});
    return true;
}

// ---------------------------------------------------------------------------------------
// The loop

template <class Socket>
void Driver<Socket>::step() {
    const auto now = Clock::now();
    conn_.set_time(now);
    take_io_results(now);
    if (fatal_) return;
    on_timers(now);
    for (bool progress = true; progress && !fatal_;) {
        apply_queued();
        policy_.apply_commands();
        if (shutdown_requested_) {
            shutdown_requested_ = false;
            // A server lets the requests in flight finish (RFC 9113 §6.8); a client, which
            // accepts no streams, says GOAWAY once and closes when its own are done.
            if (conn_.role() == Role::server) {
                conn_.shutdown_gracefully();
            } else {
                conn_.goaway(ErrorCode::no_error);
            }
        }
        progress = dispatch_pending_events();
        if (!write_in_flight_) progress |= start_write(now);
        progress |= !queued_.empty();
    }
    // Activity: a stream open now, or one opened during this turn (a quick answer opens and
    // closes its stream within one turn).
    const std::uint64_t opened = conn_.counters().streams_opened;
    if (opened != streams_seen_ || conn_.open_streams() > 0 || !handles_.empty() || !sources_.empty()) {
        last_activity_ = now;
        streams_seen_ = opened;
    }
    if (!read_in_flight_ && !fatal_ && conn_.buffered_output() < options_.max_buffered_output) start_read();
}

template <class Socket>
bool Driver<Socket>::finished() const noexcept {
    if (fatal_) return true;
    return conn_.should_close() && !write_in_flight_ && !conn_.has_pending_output();
}

template <class Socket>
Clock::time_point Driver<Socket>::next_deadline(Clock::time_point now) const noexcept {
    Clock::time_point d = Clock::time_point::max();
    if (const auto e = conn_.next_deadline()) d = std::min(d, *e);
    if (!settings_received_) d = std::min(d, options_.handshake_deadline);
    if (write_in_flight_) d = std::min(d, write_progress_ + options_.write_timeout);
    if (conn_.open_streams() == 0 && handles_.empty()) d = std::min(d, last_activity_ + options_.idle_timeout);
    if (!sources_.empty()) d = std::min(d, now + std::chrono::seconds(1));  // stalled bodies
    if (options_.keepalive_interval.count() > 0) {
        d = std::min(d, next_keepalive_);
        if (const auto ping = conn_.oldest_unanswered_ping()) d = std::min(d, *ping + options_.keepalive_timeout);
    }
    return d;
}

template <class Socket>
void Driver<Socket>::take_io_results(Clock::time_point now) {
    if (read_done_) {
        read_done_ = false;
        if (read_error_) {
            fail(read_error_ == asio::error::eof ? "the peer closed the connection" : read_error_.message());
            return;
        }
        if (read_buffer_) {
            receive({read_buffer_.get(), read_size_});
        } else {
            receive_small_read();
        }
    }
    if (write_done_) {
        write_done_ = false;
        if (write_error_) {
            fail(write_error_.message());
            return;
        }
        continue_write(now);
    }
}

template <class Socket>
void Driver<Socket>::receive(std::span<const std::uint8_t> octets) {
    if (trace_) trace_->octets(false, octets);
    events_.clear();
    conn_.receive(octets, events_);
    for (const Event& e : events_) dispatch(e);
}

template <class Socket>
void Driver<Socket>::on_timers(Clock::time_point now) {
    if (const auto d = conn_.next_deadline(); d && now >= *d) conn_.on_deadline(now);
    // One deadline for the whole handshake: TLS, preface and the first SETTINGS.
    const bool handshake_over = !settings_received_ && now >= options_.handshake_deadline;
    const bool write_stalled = write_in_flight_ && now - write_progress_ > options_.write_timeout;
    const auto ping = conn_.oldest_unanswered_ping();
    const bool dead = options_.keepalive_interval.count() > 0 && ping && now - *ping > options_.keepalive_timeout;
    if (handshake_over || write_stalled || dead) {
        fail(handshake_over  ? "no SETTINGS within the handshake deadline"
             : write_stalled ? "a write made no progress for write_timeout"
                             : "a keepalive PING was not answered in time");
        return;
    }
    if (options_.keepalive_interval.count() > 0 && now >= next_keepalive_) {
        next_keepalive_ = now + options_.keepalive_interval;
        if (!conn_.oldest_unanswered_ping()) {
            std::array<std::uint8_t, 8> opaque{'k', 'e', 'e', 'p', 0, 0, 0, 0};
            const std::uint64_t n = ++keepalives_sent_;
            for (int i = 0; i < 4; ++i) opaque[4 + i] = static_cast<std::uint8_t>(n >> (8 * (3 - i)));
            conn_.submit_ping(opaque);
        }
    }
    const bool idle = conn_.open_streams() == 0 && handles_.empty() && sources_.empty();
    if (idle && now - last_activity_ >= options_.idle_timeout && !conn_.should_close()) {
        conn_.goaway(ErrorCode::no_error, "idle");
    }
    reap_stalled_bodies(now);
}

// SECURITY-PLAN SEC-15g: a body the peer never lets through (its window stays shut) does not
// hold the stream, its file and our memory for longer than stream_stall_timeout.
template <class Socket>
void Driver<Socket>::reap_stalled_bodies(Clock::time_point now) {
    for (std::size_t i = 0; i < sources_.size(); ++i) {
        const auto& [id, s] = sources_[i];
        if (s->abandoned || s->taken == s->length() || now - s->progress <= options_.stream_stall_timeout) continue;
        policy_.on_stall(id, stall_cause(id), std::chrono::duration_cast<std::chrono::seconds>(now - s->progress));
        s->progress = now;  // reset once
        conn_.reset_stream(id, ErrorCode::cancel);
    }
}

// What holds a stream whose body does not move.
template <class Socket>
StallCause Driver<Socket>::stall_cause(StreamId id) const noexcept {
    if (conn_.stream_send_window(id) <= 0) return StallCause::stream_window;
    if (conn_.connection_send_window() <= 0) return StallCause::connection_window;
    if (write_in_flight_) return StallCause::socket;
    return StallCause::response;
}

// ---------------------------------------------------------------------------------------
// Commands from handles

template <class Socket>
void Driver<Socket>::apply_queued() {
    if (queued_.empty()) return;
    applying_.swap(queued_);
    for (const auto& h : applying_) {
        h->queued = false;
        apply(*h);
    }
    applying_.clear();
}

template <class Socket>
void Driver<Socket>::apply(StreamHandle& h) {
    if (const auto code = h.take_reset()) {
        if (h.ending().kind == StreamHandle::Ending::Kind::stalled) {
            const StallCause cause = h.stalled_reading() ? StallCause::request_body : stall_cause(h.id());
            policy_.on_stall(h.id(), cause, options_.stream_stall_timeout);
        }
        conn_.reset_stream(h.id(), *code);  // StreamReset follows: the handle is dropped then
        return;
    }
    if (const std::uint32_t n = h.take_release()) conn_.release_received_data(h.id(), n);
    apply_command(h);
}

template <class Socket>
void Driver<Socket>::apply_command(StreamHandle& h) {
    using Kind = StreamHandle::Command::Kind;
    auto& c = h.command();
    SubmitError error = SubmitError::none;
    switch (c.kind) {
        case Kind::none:
            return;
        case Kind::head:
        case Kind::trailers: {
            auto& list = field_scratch_;
            list.clear();
            char code[3];
            if (c.kind == Kind::head && c.status != 0) list.push_back({":status", status_digits(c.status, code)});
            c.fields.for_each([&](std::string_view n, std::string_view v) { list.push_back({n, v}); });
            error =
                c.kind == Kind::head ? conn_.submit_response(h.id(), list, c.end) : conn_.submit_trailers(h.id(), list);
            break;
        }
        case Kind::data: {
            const auto r = conn_.submit_data(h.id(), c.data, c.end);
            error = r.error;
            if (!r) break;
            const std::size_t taken = r.value;
            c.data = c.data.subspan(taken);
            if (!c.data.empty()) {
                if (taken > 0) h.command_progressed(taken);
                return;  // StreamWritable queues the handle again
            }
            break;
        }
        case Kind::body:
            if (!send_body(h.id(), std::move(c.source))) error = SubmitError::no_such_stream;
            break;
    }
    if (error != SubmitError::none) {
        h.on_gone();
    } else {
        h.command_done();
    }
}

// ---------------------------------------------------------------------------------------
// Events

template <class Socket>
bool Driver<Socket>::dispatch_pending_events() {
    events_.clear();
    conn_.poll_events(events_);
    for (const Event& e : events_) dispatch(e);
    return !events_.empty();
}

template <class Socket>
StreamHandle* Driver<Socket>::find_handle(StreamId id) noexcept {
    for (const auto& h : handles_) {
        if (h->id() == id) return h.get();
    }
    return nullptr;
}

template <class Socket>
void Driver<Socket>::dispatch(const Event& e) {
    if (const auto* h = std::get_if<HeadersReceived>(&e)) {
        if (h->kind == HeadersKind::trailers) {
            if (StreamHandle* x = find_handle(h->stream)) x->on_trailers(h->fields);
        } else {
            policy_.on_headers(*h);
        }
    } else if (const auto* d = std::get_if<DataReceived>(&e)) {
        policy_.on_data(d->stream, d->data.size());
        if (StreamHandle* x = find_handle(d->stream)) {
            x->on_data(d->data, d->end_stream);
        } else {
            conn_.release_received_data(d->stream, static_cast<std::uint32_t>(d->data.size()));
        }
    } else if (const auto* w = std::get_if<StreamWritable>(&e)) {
        if (StreamHandle* x = find_handle(w->stream)) x->on_writable();
    } else if (const auto* r = std::get_if<StreamReset>(&e)) {
        policy_.on_stream_reset(*r);
        if (auto gone = drop_stream(r->stream)) gone->on_reset(r->code, r->initiator);
    } else if (const auto* c = std::get_if<StreamClosed>(&e)) {
        if (auto done = drop_stream(c->stream)) done->on_closed();
    } else if (const auto* n = std::get_if<StreamNotProcessed>(&e)) {
        if (auto lost = drop_stream(n->stream)) lost->on_not_processed();
        policy_.on_event(e);
    } else if (const auto* x = std::get_if<ConnectionError>(&e)) {
        policy_.on_connection_error(*x);
    } else {
        if (std::holds_alternative<SettingsReceived>(e)) settings_received_ = true;
        policy_.on_event(e);
    }
}

// The stream is over: its handle is forgotten (and returned, for the caller to tell it how
// the stream ended), its body source is let go once no batch can refer to it any more (the
// next plan).
template <class Socket>
std::shared_ptr<StreamHandle> Driver<Socket>::drop_stream(StreamId id) {
    for (auto& [sid, s] : sources_) {
        if (sid == id) s->abandoned = true;
    }
    for (std::size_t i = 0; i < handles_.size(); ++i) {
        if (handles_[i]->id() != id) continue;
        auto h = std::move(handles_[i]);
        handles_[i] = std::move(handles_.back());
        handles_.pop_back();
        return h;
    }
    return nullptr;
}

// The connection is over: every handle still attached learns it (pending operations throw).
template <class Socket>
void Driver<Socket>::end_streams() noexcept {
    for (const auto& h : handles_) h->on_gone();
    handles_.clear();
    queued_.clear();
    sources_.clear();
    plan_.clear();
}

template class Driver<asio::ip::tcp::socket>;
template class Driver<TlsStream>;

}  // namespace h2::runtime
