// What the engine sends: the preface, submitted headers and data, the DATA scheduler
// (RFC 9218 urgency and incremental), and the output buffer.
#include <algorithm>
#include <cstring>

#include "h2/connection/connection.hpp"
#include "h2/frame/writer.hpp"

namespace h2 {

using stream::Input;
using stream::State;

namespace {
constexpr std::string_view kClientMagic = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
}  // namespace

std::vector<std::uint8_t> Connection::settings_payload() const {
    std::vector<std::uint8_t> frame;
    frame::write_settings(frame, local_settings());
    return {frame.begin() + frame::header_size, frame.end()};
}

std::vector<frame::Setting> Connection::local_settings() const {
    using frame::SettingId;
    std::vector<frame::Setting> s;
    auto add = [&](SettingId id, std::uint32_t v) { s.push_back({static_cast<std::uint16_t>(id), v}); };
    const Settings defaults;
    if (local_.header_table_size != defaults.header_table_size)
        add(SettingId::header_table_size, local_.header_table_size);
    if (role_ == Role::client && !local_.enable_push) add(SettingId::enable_push, 0);
    if (local_.max_concurrent_streams != Settings::unlimited)
        add(SettingId::max_concurrent_streams, local_.max_concurrent_streams);
    if (local_.initial_window_size != defaults.initial_window_size)
        add(SettingId::initial_window_size, local_.initial_window_size);
    if (local_.max_frame_size != defaults.max_frame_size) add(SettingId::max_frame_size, local_.max_frame_size);
    if (local_.max_header_list_size != Settings::unlimited)
        add(SettingId::max_header_list_size, local_.max_header_list_size);
    if (role_ == Role::server && local_.enable_connect_protocol) add(SettingId::enable_connect_protocol, 1);
    if (local_.no_rfc7540_priorities) add(SettingId::no_rfc7540_priorities, 1);
    return s;
}

void Connection::write_preface() {
    if (role_ == Role::client) out_.insert(out_.end(), kClientMagic.begin(), kClientMagic.end());
    frame::write_settings(out_, local_settings());
    // The connection window is not a setting: it grows with WINDOW_UPDATE (§6.9.2).
    if (config_.connection_window > frame::default_initial_window_size) {
        frame::write_window_update(out_, 0, config_.connection_window - frame::default_initial_window_size);
        receive_window_.resize(config_.connection_window);
    }
}

void Connection::after_control_write(std::size_t mark) {
    reactive_octets_ += out_.size() - mark;
    if (reactive_octets_ > config_.limits.max_queued_control_octets && !closed_) {
        trip(counters_.control_queue_trips, "peer does not read its control frames");
    }
}

void Connection::send_window_update(StreamId id, std::uint32_t increment) {
    const std::size_t mark = out_.size();
    frame::write_window_update(out_, id, increment);
    after_control_write(mark);
}

void Connection::encode_headers(StreamId id, Fields fields, bool end_stream) {
    // Encoded and framed at once: header blocks leave in the order they were encoded, which
    // the peer's decoder requires (Tomcat needs a lock for it; one owner needs nothing).
    block_buffer_.clear();
    encoder_.encode(fields, block_buffer_);
    frame::write_headers(out_, id, block_buffer_, end_stream, peer_.max_frame_size);
}

// END_STREAM has been sent on `s`.
void Connection::finish_send(stream::Stream& s) {
    overhead_.useful();  // a complete response or request earns credit (OVH-05)
    transition(s, Input::send_end_stream);
    if (s.state == State::closed) close_stream(s.id, false, ErrorCode::no_error, Initiator::local);
}

// ---------------------------------------------------------------------------------------
// Submissions

SubmitResult<StreamId> Connection::submit_request(Fields fields, bool end_stream) {
    auto fail = [](SubmitError e) { return SubmitResult<StreamId>{0, e}; };
    if (role_ != Role::client) return fail(SubmitError::wrong_role);
    if (closed_) return fail(SubmitError::connection_closed);
    if (goaway_sent_ || goaway_received_) return fail(SubmitError::going_away);
    if (next_local_stream_ > frame::max_stream_id) return fail(SubmitError::stream_ids_exhausted);
    const bool at_limit = local_streams_open_ >= peer_.max_concurrent_streams || !pending_streams_.empty();
    if (at_limit && (!config_.buffer_outbound_streams || pending_streams_.size() >= config_.max_buffered_streams)) {
        return fail(SubmitError::too_many_streams);
    }
    const StreamId id = next_local_stream_;
    next_local_stream_ += 2;
    stream::Stream& s = open_stream(id);
    if (at_limit) {
        // Buffered (Netty's StreamBufferingEncoder): the id is taken now, so requests still
        // leave in id order; HPACK encoding waits until the HEADERS really goes out.
        s.awaiting_open = true;
        for (const auto& f : fields) s.buffered_request.emplace_back(f.name, f.value);
        s.buffered_request_ends_stream = end_stream;
        pending_streams_.push_back(id);
        return {id};
    }
    start_request(s, fields, end_stream);
    return {id};
}

void Connection::start_request(stream::Stream& s, Fields fields, bool end_stream) {
    transition(s, Input::send_headers);
    s.headers_sent = true;
    for (const auto& f : fields) {
        if (f.name == ":method" && f.value == "HEAD") s.no_response_body = true;
    }
    encode_headers(s.id, fields, end_stream);
    if (end_stream) transition(s, Input::send_end_stream);
    if (s.has_output()) schedule(s);
}

void Connection::open_pending_streams() {
    while (!pending_streams_.empty() && !closed_ && !goaway_received_ &&
           local_streams_open_ < peer_.max_concurrent_streams) {
        const StreamId id = pending_streams_.front();
        pending_streams_.pop_front();
        stream::Stream* s = find(id);
        if (!s) continue;  // reset while waiting
        s->awaiting_open = false;
        std::vector<hpack::HeaderField> fields;
        for (const auto& [n, v] : s->buffered_request) fields.push_back({n, v});
        start_request(*s, fields, s->buffered_request_ends_stream);
        if (stream::Stream* t = find(id)) t->buffered_request.clear();
    }
}

void Connection::fail_pending_streams(NotProcessedReason reason) {
    while (!pending_streams_.empty()) {
        const StreamId id = pending_streams_.front();
        pending_streams_.pop_front();
        if (streams_.erase(id)) emit(StreamNotProcessed{id, reason});
    }
}

SubmitResult<StreamId> Connection::submit_push_promise(StreamId associated, Fields request) {
    auto fail = [](SubmitError e) { return SubmitResult<StreamId>{0, e}; };
    if (role_ != Role::server) return fail(SubmitError::wrong_role);
    if (closed_) return fail(SubmitError::connection_closed);
    if (goaway_sent_ || goaway_received_) return fail(SubmitError::going_away);
    if (!peer_.enable_push) return fail(SubmitError::push_disabled);
    const stream::Stream* a = find(associated);
    if (!a || is_local(associated)) return fail(SubmitError::no_such_stream);
    if (a->state != State::open && a->state != State::half_closed_remote) return fail(SubmitError::wrong_state);
    if (next_local_stream_ > frame::max_stream_id) return fail(SubmitError::stream_ids_exhausted);
    const StreamId id = next_local_stream_;
    next_local_stream_ += 2;
    stream::Stream& s = open_stream(id);
    transition(s, Input::send_push_promise);
    block_buffer_.clear();
    encoder_.encode(request, block_buffer_);
    frame::write_push_promise(out_, associated, id, block_buffer_, peer_.max_frame_size);
    return {id};
}

SubmitError Connection::submit_priority_update(StreamId id, std::string_view value) {
    if (role_ != Role::client) return SubmitError::wrong_role;
    if (closed_) return SubmitError::connection_closed;
    frame::write_priority_update(out_, id, value);
    return SubmitError::none;
}

void Connection::submit_extension_frame(std::uint8_t type, std::uint8_t flags, StreamId id,
                                        std::span<const std::uint8_t> payload) {
    if (!closed_) frame::write_raw_frame(out_, type, flags, id, payload);
}

SubmitResult<Connection::DataReservation> Connection::reserve_data(StreamId id, std::uint32_t max, bool last) {
    auto fail = [](SubmitError e) { return SubmitResult<DataReservation>{{}, e}; };
    if (closed_) return fail(SubmitError::connection_closed);
    stream::Stream* s = find(id);
    if (!s) return fail(SubmitError::no_such_stream);
    if (!s->headers_sent || s->awaiting_open || !stream::can_send_data(s->state) || s->buffered() > 0 ||
        s->external_pending > 0 || s->end_after_data || s->trailers_pending) {
        return fail(SubmitError::wrong_state);
    }
    // The header goes right after what was written: nothing may be pending.
    if (frozen_head_ < frozen_.size() || !out_.empty()) return fail(SubmitError::output_pending);
    const std::int64_t window = std::min(s->send_window.available(), send_window_.available());
    const std::uint32_t n = static_cast<std::uint32_t>(std::min<std::int64_t>(
        {std::int64_t{max}, window, std::int64_t{peer_.max_frame_size}, std::int64_t{config_.max_data_frame_size}}));
    if (n == 0 && max > 0) {
        s->writable_wanted = true;  // StreamWritable when a window opens
        return {{}};
    }
    const bool end = last && n == max;
    s->send_window.consume(n);
    send_window_.consume(n);
    counters_.data_octets_sent += n;
    overhead_.data_sent(n);
    DataReservation r{n, frame::data_frame_header(id, n, end)};
    if (end) finish_send(*s);
    return {r};
}

void Connection::notify_writable(stream::Stream& s) {
    if (!s.writable_wanted || s.buffered() > 0) return;
    if (std::min(s.send_window.available(), send_window_.available()) <= 0) return;
    s.writable_wanted = false;
    emit(StreamWritable{s.id});
}

void Connection::skip_stream_ids(StreamId next) noexcept {
    if (next > next_local_stream_ && next % 2 == next_local_stream_ % 2) next_local_stream_ = next;
}

SubmitError Connection::submit_response(StreamId id, Fields fields, bool end_stream) {
    if (role_ != Role::server) return SubmitError::wrong_role;
    if (closed_) return SubmitError::connection_closed;
    stream::Stream* s = find(id);
    if (!s) return SubmitError::no_such_stream;
    if (s->headers_sent) return SubmitError::wrong_state;
    if (s->state == State::reserved_local) {
        // A pushed response opens the stream: it counts against the client's limit.
        if (local_streams_open_ >= peer_.max_concurrent_streams) return SubmitError::too_many_streams;
    } else if (!stream::can_send_data(s->state)) {
        return SubmitError::wrong_state;
    }
    const bool informational =
        !fields.empty() && fields[0].name == ":status" && !fields[0].value.empty() && fields[0].value[0] == '1';
    if (informational && end_stream) return SubmitError::wrong_state;
    transition(*s, Input::send_headers);
    if (!informational) s->headers_sent = true;
    encode_headers(id, fields, end_stream);
    if (end_stream) finish_send(*s);
    return SubmitError::none;
}

SubmitError Connection::submit_trailers(StreamId id, Fields fields) {
    if (closed_) return SubmitError::connection_closed;
    stream::Stream* s = find(id);
    if (!s) return SubmitError::no_such_stream;
    if (!s->headers_sent || s->end_after_data || s->trailers_pending || !stream::can_send_data(s->state)) {
        return SubmitError::wrong_state;
    }
    if (s->buffered() == 0 && s->external_pending == 0) {
        transition(*s, Input::send_headers);
        encode_headers(id, fields, true);
        finish_send(*s);
        return SubmitError::none;
    }
    // After the buffered data: keep a copy, encode it when it goes out.
    s->trailers.clear();
    for (const auto& f : fields) s->trailers.emplace_back(f.name, f.value);
    s->trailers_pending = true;
    schedule(*s);
    return SubmitError::none;
}

SubmitResult<std::size_t> Connection::submit_data(StreamId id, std::span<const std::uint8_t> data, bool end_stream) {
    auto fail = [](SubmitError e) { return SubmitResult<std::size_t>{0, e}; };
    if (closed_) return fail(SubmitError::connection_closed);
    stream::Stream* s = find(id);
    if (!s) return fail(SubmitError::no_such_stream);
    if ((!s->headers_sent && !s->awaiting_open) || s->end_after_data || s->trailers_pending ||
        s->external_pending > 0 || s->buffered_request_ends_stream ||
        (!s->awaiting_open && !stream::can_send_data(s->state))) {
        return fail(SubmitError::wrong_state);
    }
    // Buffered, then framed by the scheduler in pending_output(): framing now would send this
    // body ahead of more urgent ones submitted before the output is read (RFC 9218).
    if (s->send_offset > 0 && s->send_offset * 2 >= s->send_buffer.size()) {
        s->send_buffer.erase(s->send_buffer.begin(),
                             s->send_buffer.begin() + static_cast<std::ptrdiff_t>(s->send_offset));
        s->send_offset = 0;
    }
    const std::size_t limit = config_.limits.max_buffered_data_per_stream;
    const std::size_t room = limit > s->buffered() ? limit - s->buffered() : 0;
    const std::size_t n = std::min(room, data.size());
    s->send_buffer.insert(s->send_buffer.end(), data.begin(), data.begin() + static_cast<std::ptrdiff_t>(n));
    if (n == data.size() && end_stream) s->end_after_data = true;
    if (n < data.size()) s->writable_wanted = true;
    if (s->has_output()) schedule(*s);
    return {n};
}

SubmitError Connection::reset_stream(StreamId id, ErrorCode code) {
    if (closed_) return SubmitError::connection_closed;
    if (!find(id)) return SubmitError::no_such_stream;
    ++counters_.resets_sent;
    const std::size_t mark = out_.size();
    frame::write_rst_stream(out_, id, code);
    after_control_write(mark);
    close_stream(id, true, code, Initiator::local);
    return SubmitError::none;
}

void Connection::release_received_data(StreamId id, std::uint32_t n) {
    stream::Stream* s = find(id);
    if (!s) return;  // closed: its credit went back to the connection then
    n = std::min(n, s->held);
    s->held -= n;
    credit(*s, n);
}

void Connection::grow_connection_window(std::uint32_t n) {
    if (closed_ || n == 0) return;
    const std::uint64_t size = std::uint64_t{receive_window_.size()} + n;
    if (size > frame::max_window_size) return;  // would overflow the peer's view (§6.9.1)
    receive_window_.resize(static_cast<std::uint32_t>(size));
    send_window_update(0, n);
}

SubmitError Connection::grow_stream_window(StreamId id, std::uint32_t n) {
    if (closed_) return SubmitError::connection_closed;
    stream::Stream* s = find(id);
    if (!s) return SubmitError::no_such_stream;
    if (!stream::can_receive_data(s->state)) return SubmitError::wrong_state;
    const std::uint64_t size = std::uint64_t{s->receive_window.size()} + n;
    if (n == 0 || size > frame::max_window_size) return SubmitError::none;  // §6.9.1: never past 2^31-1
    s->receive_window.resize(static_cast<std::uint32_t>(size));
    send_window_update(id, n);
    return SubmitError::none;
}

}  // namespace h2
