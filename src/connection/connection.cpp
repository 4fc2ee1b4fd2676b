// The engine's core: construction, the receive loop, errors, stream bookkeeping, time.
#include "h2/connection/connection.hpp"

#include <algorithm>
#include <cstring>

#include "h2/frame/writer.hpp"

namespace h2 {
namespace {

constexpr std::string_view kPreface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";  // RFC 9113 §3.4

// The settings we advertise: the configured ones, with the limits that are also settings.
Settings advertised(const Config& c) {
    Settings s = c.settings;
    s.max_concurrent_streams = std::min(s.max_concurrent_streams, c.limits.max_concurrent_streams);
    s.max_header_list_size = std::min(s.max_header_list_size, c.limits.max_header_list_size);
    return s;
}

}  // namespace

std::string_view to_string(SubmitError e) noexcept {
    switch (e) {
        case SubmitError::none:
            return "none";
        case SubmitError::no_such_stream:
            return "no such stream";
        case SubmitError::wrong_state:
            return "not allowed in the stream's state";
        case SubmitError::stream_ids_exhausted:
            return "stream identifiers exhausted";
        case SubmitError::too_many_streams:
            return "peer's concurrent stream limit reached";
        case SubmitError::going_away:
            return "connection is going away";
        case SubmitError::connection_closed:
            return "connection closed";
        case SubmitError::push_disabled:
            return "server push disabled by the client";
        case SubmitError::wrong_role:
            return "not allowed in this role";
        case SubmitError::output_pending:
            return "output is pending: write it first";
    }
    return "?";
}

Connection::Connection(Role role, const Config& config)
    : role_(role),
      config_(config),
      local_(advertised(config)),
      preface_pending_(role == Role::server),
      decoder_(hpack::DecoderLimits{hpack::default_table_size, local_.max_header_list_size}),
      next_local_stream_(role == Role::client ? 1 : 2),
      reset_tokens_(config.limits.reset_burst),
      receive_window_(frame::default_initial_window_size),
      overhead_(config.limits.overhead) {
    assembler_.set_limits({config_.limits.max_header_block_size, config_.limits.max_continuations});
    if (role_ == Role::server) local_.enable_push = false;  // meaningless from a server
    peer_.max_concurrent_streams = config.assumed_peer_max_concurrent_streams;
    write_preface();
}

Connection Connection::server(const Config& config) { return Connection(Role::server, config); }
Connection Connection::client(const Config& config) { return Connection(Role::client, config); }

std::optional<Connection> Connection::server_upgrade(const Config& config, std::span<const std::uint8_t> http2_settings,
                                                     Fields upgrade_request) {
    Connection c(Role::server, config);
    // The HTTP2-Settings payload is a SETTINGS frame payload (RFC 7540 §3.2.1).
    if (http2_settings.size() % frame::setting_size != 0) return std::nullopt;
    const frame::SettingsFrame settings{false, frame::SettingsView(http2_settings)};
    for (frame::Setting s : settings.settings) {
        if (frame::validate_setting(s)) return std::nullopt;
    }
    c.peer_settings_seen_ = true;
    if (!c.apply_peer_settings(settings)) return std::nullopt;
    stream::Stream& s = c.open_stream(1);
    c.last_peer_stream_ = 1;
    c.transition(s, stream::Input::recv_headers);
    c.transition(s, stream::Input::recv_end_stream);
    s.final_headers_received = true;
    // Report the request from the first receive(), with owned copies of the fields.
    for (const auto& f : upgrade_request) {
        char* p = c.scratch_.allocate(f.name.size() + f.value.size());
        std::memcpy(p, f.name.data(), f.name.size());
        std::memcpy(p + f.name.size(), f.value.data(), f.value.size());
        c.fields_.push_back({{p, f.name.size()}, {p + f.name.size(), f.value.size()}, f.never_index});
    }
    c.fixups_.push_back({c.queued_events_.size(), 0, c.fields_.size()});
    c.queued_events_.push_back(HeadersReceived{1, HeadersKind::request, {}, true});
    return c;
}

Connection Connection::client_upgrade(const Config& config) {
    Connection c(Role::client, config);
    stream::Stream& s = c.open_stream(1);
    c.transition(s, stream::Input::send_headers);
    c.transition(s, stream::Input::send_end_stream);
    s.headers_sent = true;
    c.next_local_stream_ = 3;
    return c;
}

// ---------------------------------------------------------------------------------------
// Receiving

std::size_t Connection::receive(std::span<const std::uint8_t> input, std::vector<Event>& events) {
    const std::size_t total = input.size();
    events_ = &events;
    // Events queued before (upgrade request, writability) come first; their fields live in
    // fields_ from before, so only reset the per-receive storage when there are none.
    const bool carry = !queued_events_.empty() && !fixups_.empty();
    if (!carry) {
        fields_.clear();
        fixups_.clear();
        scratch_.reset();
        decoder_.reset_arena();
    } else {
        for (auto& f : fixups_) f.event += events.size();
    }
    events.insert(events.end(), queued_events_.begin(), queued_events_.end());
    queued_events_.clear();

    while (!closed_ && !input.empty()) {
        if (preface_pending_) {
            const std::size_t n = std::min(input.size(), kPreface.size() - preface_matched_);
            if (std::memcmp(input.data(), kPreface.data() + preface_matched_, n) != 0) {
                connection_error(ErrorCode::protocol_error, "invalid connection preface");
                break;
            }
            preface_matched_ += n;
            input = input.subspan(n);
            if (preface_matched_ < kPreface.size()) break;
            preface_pending_ = false;
            continue;
        }
        frame::Frame f;
        ProtocolError err;
        const std::span<const std::uint8_t> before = input;
        const auto st = reader_.next(input, f, err);
        if (st == frame::FrameReader::Status::need_more) break;
        ++counters_.frames_received;
        if (st == frame::FrameReader::Status::error) {
            if (err.scope == ErrorScope::connection) {
                connection_error(err.code, err.reason);
                break;
            }
            if (first_frame_) {
                connection_error(ErrorCode::protocol_error, "first frame is not SETTINGS");
                break;
            }
            if (is_idle(err.stream_id)) {
                connection_error(ErrorCode::protocol_error, "frame on an idle stream");
                break;
            }
            stream_error(err.stream_id, err.code, err.reason);
        } else {
            input_ = before;
            dispatch(f);
        }
        if (!closed_ && overhead_.tripped()) trip(counters_.overhead_trips, "overhead limit exceeded");
    }

    // Point HeadersReceived and PushPromiseReceived at their fields, now that fields_ is done.
    for (const FieldsFixup& x : fixups_) {
        const std::span<const hpack::HeaderField> span(fields_.data() + x.offset, x.count);
        if (auto* h = std::get_if<HeadersReceived>(&events[x.event])) h->fields = span;
        if (auto* p = std::get_if<PushPromiseReceived>(&events[x.event])) p->fields = span;
    }
    fixups_.clear();
    events_ = nullptr;
    return closed_ ? total - input.size() : total;
}

void Connection::poll_events(std::vector<Event>& events) {
    // Events with fields (the upgrade request) need receive() to place them.
    if (!fixups_.empty()) return;
    events.insert(events.end(), queued_events_.begin(), queued_events_.end());
    queued_events_.clear();
}

void Connection::emit(const Event& e) {
    if (events_) {
        events_->push_back(e);
    } else {
        queued_events_.push_back(e);
    }
}

// A payload that must stay valid until the next receive(): views into the input are; views
// into the reader's buffer (a frame that arrived in pieces) are copied.
std::span<const std::uint8_t> Connection::stable(std::span<const std::uint8_t> bytes,
                                                 std::span<const std::uint8_t> input) {
    if (bytes.empty()) return bytes;
    const auto* b = bytes.data();
    if (b >= input.data() && b + bytes.size() <= input.data() + input.size()) return bytes;
    char* p = scratch_.allocate(bytes.size());
    std::memcpy(p, bytes.data(), bytes.size());
    return {reinterpret_cast<const std::uint8_t*>(p), bytes.size()};
}

// ---------------------------------------------------------------------------------------
// Errors

void Connection::connection_error(ErrorCode code, std::string_view reason) {
    if (closed_) return;
    goaway(code, reason);
    emit(ConnectionError{code, reason, Initiator::local});
}

void Connection::trip(std::uint64_t& counter, std::string_view reason) {
    ++counter;
    connection_error(ErrorCode::enhance_your_calm, reason);
}

void Connection::stream_error(StreamId id, ErrorCode code, std::string_view reason) {
    (void)reason;
    // RST_STREAM we are provoked into sending counts (MadeYouReset, SECURITY-PLAN §1.11).
    overhead_.charge_reset();
    if (++local_resets_ > config_.limits.max_local_resets) {
        trip(counters_.local_reset_trips, "too many streams reset for errors");
        return;
    }
    if (find(id)) {
        reset_stream(id, code);
        return;
    }
    // A stream we do not track (closed, or refused before it opened).
    ++counters_.resets_sent;
    const std::size_t mark = out_.size();
    frame::write_rst_stream(out_, id, code);
    after_control_write(mark);
    remember_closed(id, true);
}

// ---------------------------------------------------------------------------------------
// Streams

stream::Stream* Connection::find(StreamId id) noexcept { return streams_.find(id); }

std::optional<stream::State> Connection::stream_state(StreamId id) const noexcept {
    if (const stream::Stream* s = streams_.find(id)) return s->state;
    return is_idle(id) ? stream::State::idle : stream::State::closed;
}

std::uint32_t Connection::stream_receive_window_size(StreamId id) const noexcept {
    const stream::Stream* s = streams_.find(id);
    return s ? s->receive_window.size() : 0;
}

std::int64_t Connection::stream_send_window(StreamId id) const noexcept {
    const stream::Stream* s = streams_.find(id);
    return s ? s->send_window.value() : 0;
}

stream::Stream& Connection::open_stream(StreamId id) {
    stream::Stream& s = streams_.insert(id);
    s.send_window = flow::SendWindow(peer_.initial_window_size);
    s.receive_window =
        flow::ReceiveWindow(local_acked_ ? local_.initial_window_size : frame::default_initial_window_size);
    ++counters_.streams_opened;
    return s;
}

// RFC 9113 §5.1.1: an id above every id the peer (or we) used is idle.
bool Connection::is_idle(StreamId id) const noexcept {
    if (id == 0) return false;
    if (is_local(id)) {
        if (id >= next_local_stream_) return true;
        const stream::Stream* s = streams_.find(id);
        return s && s->awaiting_open;  // the peer never saw it
    }
    return id > last_peer_stream_;
}

bool Connection::transition(stream::Stream& s, stream::Input in) {
    const auto next = stream::transition(s.state, in);
    if (!next) return false;
    const bool was_active = s.state == stream::State::open || s.state == stream::State::half_closed_local ||
                            s.state == stream::State::half_closed_remote;
    const bool active = *next == stream::State::open || *next == stream::State::half_closed_local ||
                        *next == stream::State::half_closed_remote;
    if (active && !was_active) ++(is_local(s.id) ? local_streams_open_ : peer_streams_open_);
    if (!active && was_active) --(is_local(s.id) ? local_streams_open_ : peer_streams_open_);
    s.state = *next;
    return true;
}

void Connection::close_stream(StreamId id, bool reset, ErrorCode code, Initiator who) {
    stream::Stream* s = find(id);
    if (!s) return;
    if (s->state != stream::State::closed) {
        transition(*s, reset
                           ? (who == Initiator::local ? stream::Input::send_rst_stream : stream::Input::recv_rst_stream)
                           : stream::Input::send_rst_stream);
    }
    // Credit held for data the application never released goes back to the connection.
    return_connection_credit(s->held);
    remember_closed(id, reset && who == Initiator::local);
    const bool pending = s->awaiting_open;
    streams_.erase(id);
    if (pending) {
        pending_streams_.erase(id);
    }
    if (reset) {
        emit(StreamReset{id, code, who});
    } else {
        emit(StreamClosed{id});
    }
    // A slot may have freed for a buffered request.
    if (!pending_streams_.empty()) open_pending_streams();
}

// The ring fills as streams close (an idle connection keeps none of it), then wraps.
void Connection::remember_closed(StreamId id, bool reset_by_us) {
    if (closed_ring_.size() < config_.closed_streams_remembered) {
        closed_ring_.push_back({id, reset_by_us});
        return;
    }
    if (closed_ring_.empty()) return;
    closed_ring_[closed_ring_next_] = {id, reset_by_us};
    closed_ring_next_ = (closed_ring_next_ + 1) % closed_ring_.size();
}

const ClosedStream* Connection::recently_closed(StreamId id) const noexcept {
    for (const ClosedStream& c : closed_ring_) {
        if (c.id == id && id != 0) return &c;
    }
    return nullptr;
}

void Connection::return_connection_credit(std::uint32_t n) {
    if (n == 0) return;
    receive_window_.release(n);
    if (const std::uint32_t inc = receive_window_.take_update()) send_window_update(0, inc);
}

// ---------------------------------------------------------------------------------------
// Time, PING, GOAWAY

std::optional<Connection::Clock::time_point> Connection::next_deadline() const noexcept {
    std::optional<Clock::time_point> d;
    for (const auto& t : {settings_deadline_, graceful_deadline_, next_ping_}) {
        if (t && (!d || *t < *d)) d = t;
    }
    return d;
}

void Connection::on_deadline(Clock::time_point now) {
    now_ = now;
    if (settings_deadline_ && now >= *settings_deadline_ && !closed_) {
        settings_deadline_.reset();
        connection_error(ErrorCode::settings_timeout, "SETTINGS not acknowledged in time");
    }
    if (next_ping_ && now >= *next_ping_ && !closed_) {
        // The opaque data says which periodic PING this is (RFC 9113 §6.7 leaves it to us).
        std::array<std::uint8_t, 8> opaque{'h', '2', 'p', 0, 0, 0, 0, 0};
        const std::uint64_t n = ++pings_sent_;
        for (int i = 0; i < 5; ++i) opaque[3 + i] = static_cast<std::uint8_t>(n >> (8 * (4 - i)));
        submit_ping(opaque);
        next_ping_ = now + config_.ping_interval;
    }
    if (graceful_deadline_ && now >= *graceful_deadline_) {
        graceful_deadline_.reset();
        if (graceful_pending_) {
            graceful_pending_ = false;
            goaway(ErrorCode::no_error);
        }
    }
}

void Connection::set_time(Clock::time_point now) noexcept {
    now_ = now;
    if (!clock_started_) {
        // The SETTINGS timeout runs from the first time the caller tells us the time.
        clock_started_ = true;
        if (!local_acked_ && !closed_) settings_deadline_ = now + config_.settings_timeout;
        if (config_.ping_interval.count() > 0) next_ping_ = now + config_.ping_interval;
    }
}

void Connection::submit_ping(const std::array<std::uint8_t, 8>& opaque) {
    if (closed_) return;
    pings_.push_back({opaque, now_});
    frame::write_ping(out_, opaque, false);
}

void Connection::goaway(ErrorCode code, std::string_view debug) {
    if (closed_) return;
    // RFC 9113 §6.8: the last stream we processed (or may still process) from the peer.
    frame::write_goaway(out_, last_peer_stream_, code,
                        {reinterpret_cast<const std::uint8_t*>(debug.data()), debug.size()});
    goaway_sent_ = true;
    if (code != ErrorCode::no_error) {
        closed_ = true;
        settings_deadline_.reset();
        fail_pending_streams(NotProcessedReason::closed_before_sent);
    } else {
        fail_pending_streams(NotProcessedReason::goaway_before_sent);
    }
}

void Connection::shutdown_gracefully() {
    if (closed_ || goaway_sent_) return;
    graceful_pending_ = true;
    frame::write_goaway(out_, frame::max_stream_id, ErrorCode::no_error, {});
    graceful_ping_ = {'s', 'h', 'u', 't', 'd', 'o', 'w', 'n'};
    submit_ping(graceful_ping_);
    graceful_deadline_ = now_ + config_.graceful_shutdown_timeout;
}

bool Connection::should_close() const noexcept {
    if (closed_) return true;
    // After either side's GOAWAY no stream can start: once the last one is done, so are we.
    if (!streams_.empty() || !pending_streams_.empty()) return false;
    return (goaway_sent_ && !graceful_pending_) || goaway_received_;
}

}  // namespace h2
