// What the engine does with DATA and control frames it receives (RFC 9113 §5.1, §6);
// header blocks are in inbound_headers.cpp.
#include <algorithm>

#include "h2/connection/connection.hpp"
#include "h2/connection/priority.hpp"
#include "h2/frame/writer.hpp"

namespace h2 {

using stream::Input;
using stream::State;

void Connection::dispatch(const frame::Frame& f) {
    if (first_frame_) {
        // RFC 9113 §3.4: each side's preface ends with a SETTINGS frame.
        first_frame_ = false;
        const auto* s = std::get_if<frame::SettingsFrame>(&f);
        if (!s || s->ack) {
            connection_error(ErrorCode::protocol_error, "first frame is not SETTINGS");
            return;
        }
    }
    struct Visitor {
        Connection& c;
        void operator()(const frame::DataFrame& x) { c.on_data(x); }
        void operator()(const frame::HeadersFrame& x) { c.on_headers(x); }
        void operator()(const frame::PriorityFrame& x) { c.on_priority(x); }
        void operator()(const frame::RstStreamFrame& x) { c.on_rst_stream(x); }
        void operator()(const frame::SettingsFrame& x) { c.on_settings(x); }
        void operator()(const frame::PushPromiseFrame& x) { c.on_push_promise(x); }
        void operator()(const frame::PingFrame& x) { c.on_ping(x); }
        void operator()(const frame::GoawayFrame& x) { c.on_goaway(x); }
        void operator()(const frame::WindowUpdateFrame& x) { c.on_window_update(x); }
        void operator()(const frame::ContinuationFrame& x) { c.on_continuation(x); }
        void operator()(const frame::PriorityUpdateFrame& x) { c.on_priority_update(x); }
        void operator()(const frame::UnknownFrame& x) {
            // RFC 9113 §5.5: ignored, but exposed; empty ones only cost (SECURITY-PLAN OVH-15).
            if (x.payload.empty()) c.overhead_.control_frame();
            c.emit(UnknownFrameReceived{x.type, x.flags, x.stream_id, c.stable(x.payload, c.input_)});
        }
    };
    std::visit(Visitor{*this}, f);
}

// ---------------------------------------------------------------------------------------
// DATA (RFC 9113 §6.1)

void Connection::credit(stream::Stream& s, std::uint32_t n) {
    if (n == 0) return;
    s.receive_window.release(n);
    if (stream::can_receive_data(s.state)) {
        if (const std::uint32_t inc = s.receive_window.take_update()) send_window_update(s.id, inc);
    }
    return_connection_credit(n);
}

void Connection::on_data(const frame::DataFrame& f) {
    const StreamId id = f.stream_id;
    const std::uint32_t length = f.flow_controlled_length;
    if (is_idle(id)) return connection_error(ErrorCode::protocol_error, "DATA on an idle stream");
    // RFC 9113 §6.9.1: the connection window counts every DATA frame, whatever its stream.
    if (!receive_window_.receive(length)) {
        return connection_error(ErrorCode::flow_control_error, "DATA beyond the connection window");
    }
    stream::Stream* s = find(id);
    if (s && (s->state == State::reserved_local || s->state == State::reserved_remote)) {
        // §5.1: only HEADERS (reserved remote), RST_STREAM, PRIORITY, WINDOW_UPDATE (reserved
        // local) may arrive on a reserved stream.
        return connection_error(ErrorCode::protocol_error, "DATA on a reserved stream");
    }
    // Padding does not make a frame useful: the empty-frame rule looks at the data alone.
    overhead_.data(static_cast<std::uint32_t>(f.data.size()), f.end_stream);
    if (!s || !stream::can_receive_data(s->state)) {
        return_connection_credit(length);  // discarded
        const ClosedStream* c = s ? nullptr : recently_closed(id);
        if (c && c->reset_by_us) return;  // §5.1: frames after our RST_STREAM are ignored
        return stream_error(id, ErrorCode::stream_closed, "DATA on a closed stream");
    }
    if (!s->receive_window.receive(length)) {
        return_connection_credit(length);
        return stream_error(id, ErrorCode::flow_control_error, "DATA beyond the stream window");
    }
    counters_.data_octets_received += f.data.size();
    credit(*s, length - static_cast<std::uint32_t>(f.data.size()));  // padding: §6.1
    s->received_length += f.data.size();
    // RFC 9113 §8.1.1: DATA must add up to content-length.
    if (s->expected_length && !s->no_response_body &&
        (s->received_length > *s->expected_length || (f.end_stream && s->received_length != *s->expected_length))) {
        credit(*s, static_cast<std::uint32_t>(f.data.size()));
        return stream_error(id, ErrorCode::protocol_error, "DATA does not match content-length");
    }
    if (s->no_response_body && !f.data.empty()) {
        credit(*s, static_cast<std::uint32_t>(f.data.size()));
        return stream_error(id, ErrorCode::protocol_error, "DATA in a response without a body");
    }
    emit(DataReceived{id, stable(f.data, input_), f.end_stream});
    if (config_.auto_release) {
        credit(*s, static_cast<std::uint32_t>(f.data.size()));
    } else {
        s->held += static_cast<std::uint32_t>(f.data.size());
    }
    if (f.end_stream) end_inbound(*s);
}

// END_STREAM received: returns true if the stream closed.
bool Connection::end_inbound(stream::Stream& s) {
    transition(s, Input::recv_end_stream);
    if (s.state != State::closed) return false;
    close_stream(s.id, false, ErrorCode::no_error, Initiator::remote);
    return true;
}

// ---------------------------------------------------------------------------------------
// Control frames

void Connection::on_priority(const frame::PriorityFrame& f) {
    // RFC 9113 §5.3.1 / §6.3; the RFC 7540 tree itself is not kept (RFC 9218 replaces it).
    overhead_.control_frame();
    if (f.priority.dependency == f.stream_id) {
        stream_error(f.stream_id, ErrorCode::protocol_error, "stream depends on itself");
    }
}

void Connection::on_rst_stream(const frame::RstStreamFrame& f) {
    if (is_idle(f.stream_id)) return connection_error(ErrorCode::protocol_error, "RST_STREAM on an idle stream");
    ++counters_.resets_received;
    // A server resetting streams we opened (REFUSED_STREAM beyond its limit, NO_ERROR after an
    // early response) can reset no more of them than we open: the rapid-reset limits below
    // are against clients.
    if (role_ == Role::client && is_local(f.stream_id)) {
        return close_stream(f.stream_id, true, f.error_code, Initiator::remote);
    }
    overhead_.charge_reset();
    // Token bucket on the caller's clock (without a clock it does not refill).
    if (now_ > reset_refill_) {
        const double seconds = std::chrono::duration<double>(now_ - reset_refill_).count();
        if (reset_refill_ != Clock::time_point{}) {
            reset_tokens_ =
                std::min<double>(config_.limits.reset_burst, reset_tokens_ + seconds * config_.limits.reset_rate);
        }
        reset_refill_ = now_;
    }
    if (reset_tokens_ < 1) return trip(counters_.reset_flood_trips, "too many RST_STREAM frames");
    reset_tokens_ -= 1;
    close_stream(f.stream_id, true, f.error_code, Initiator::remote);
}

void Connection::on_settings(const frame::SettingsFrame& f) {
    if (f.ack) {
        if (local_acked_) return;  // unexpected: ignored, and free (SECURITY-PLAN OVH-02c)
        // RFC 9113 §6.5.3: our settings apply from their acknowledgement.
        local_acked_ = true;
        settings_deadline_.reset();
        reader_.set_max_frame_size(local_.max_frame_size);
        decoder_.set_max_table_size(local_.header_table_size);
        for (stream::Stream& s : streams_) s.receive_window.resize(local_.initial_window_size);
        emit(SettingsAcknowledged{});
        return;
    }
    overhead_.control_frame();
    if (f.settings.size() > config_.limits.max_settings_entries) {
        return trip(counters_.settings_trips, "too many entries in SETTINGS");
    }
    // The value assumed until now gives way to the peer's (absent: unlimited, RFC 9113 §6.5.2).
    if (!peer_settings_seen_) peer_.max_concurrent_streams = Settings::unlimited;
    peer_settings_seen_ = true;
    if (!apply_peer_settings(f)) return;
    const std::size_t mark = out_.size();
    frame::write_settings_ack(out_);
    after_control_write(mark);
    emit(SettingsReceived{stable(f.settings.payload(), input_)});
    open_pending_streams();  // the limit may have risen
}

bool Connection::apply_peer_settings(const frame::SettingsFrame& f) {
    using frame::SettingId;
    for (const frame::Setting s : f.settings) {
        switch (static_cast<SettingId>(s.id)) {
            case SettingId::header_table_size:
                peer_.header_table_size = s.value;
                encoder_.set_peer_max_table_size(s.value);
                break;
            case SettingId::enable_push:
                if (role_ == Role::client && s.value != 0) {
                    connection_error(ErrorCode::protocol_error, "SETTINGS_ENABLE_PUSH from a server");
                    return false;
                }
                peer_.enable_push = s.value == 1;
                break;
            case SettingId::max_concurrent_streams:
                peer_.max_concurrent_streams = s.value;
                break;
            case SettingId::initial_window_size: {
                // RFC 9113 §6.9.2: the difference applies to every stream's send window.
                const std::int64_t delta = std::int64_t{s.value} - peer_.initial_window_size;
                peer_.initial_window_size = s.value;
                for (stream::Stream& st : streams_) {
                    if (!st.send_window.apply_initial_window_delta(delta)) {
                        connection_error(ErrorCode::flow_control_error,
                                         "SETTINGS_INITIAL_WINDOW_SIZE overflows a stream window");
                        return false;
                    }
                    if (delta > 0 && st.has_output()) schedule(st);
                    if (delta > 0) notify_writable(st);
                }
                break;
            }
            case SettingId::max_frame_size:
                peer_.max_frame_size = s.value;
                break;
            case SettingId::max_header_list_size:
                peer_.max_header_list_size = s.value;
                break;
            case SettingId::enable_connect_protocol:
                peer_.enable_connect_protocol = s.value == 1;
                break;
            case SettingId::no_rfc7540_priorities:
                peer_.no_rfc7540_priorities = s.value == 1;
                break;
            default:
                break;  // unknown: ignored (§6.5.2)
        }
    }
    return true;
}

// A keepalive is free: one PING per free_ping_interval costs nothing, the others count_factor.
void Connection::charge_ping() {
    const auto interval = config_.limits.overhead.free_ping_interval;
    if (interval.count() > 0 && (!last_free_ping_ || now_ - *last_free_ping_ >= interval)) {
        last_free_ping_ = now_;
        return;
    }
    overhead_.control_frame();
}

void Connection::on_ping(const frame::PingFrame& f) {
    if (f.ack) {
        const auto it =
            std::find_if(pings_.begin(), pings_.end(), [&](const PendingPing& p) { return p.opaque == f.opaque_data; });
        if (it == pings_.end()) return overhead_.unsolicited_ack();
        const auto rtt = std::chrono::duration_cast<std::chrono::nanoseconds>(now_ - it->sent);
        rtt_ = rtt_.count() == 0 ? rtt : (rtt_ * 7 + rtt) / 8;
        pings_.erase(it);
        if (graceful_pending_ && f.opaque_data == graceful_ping_) {
            // The peer has seen our first GOAWAY: now the real last stream id (§6.8).
            graceful_pending_ = false;
            graceful_deadline_.reset();
            goaway(ErrorCode::no_error);
        }
        emit(PingAcknowledged{f.opaque_data, rtt});
        return;
    }
    charge_ping();
    const std::size_t mark = out_.size();
    frame::write_ping(out_, f.opaque_data, true);  // §6.7: answered at once
    after_control_write(mark);
    emit(PingReceived{f.opaque_data});
}

void Connection::on_goaway(const frame::GoawayFrame& f) {
    goaway_received_ = true;
    peer_last_stream_ = f.last_stream_id;
    fail_pending_streams(NotProcessedReason::goaway_before_sent);  // never sent: above any last id
    emit(GoawayReceived{f.last_stream_id, f.error_code, stable(f.debug_data, input_)});
    // §6.8: our streams above the last id were not processed; the application may retry them.
    std::vector<StreamId> dropped;
    for (const stream::Stream& s : streams_) {
        if (is_local(s.id) && s.id > f.last_stream_id) dropped.push_back(s.id);
    }
    std::sort(dropped.begin(), dropped.end());
    for (StreamId id : dropped) {
        transition(*streams_.find(id), Input::recv_rst_stream);
        streams_.erase(id);
        emit(StreamNotProcessed{id, NotProcessedReason::above_goaway_last_stream});
    }
    if (f.error_code != ErrorCode::no_error) {
        emit(ConnectionError{f.error_code, "the peer sent GOAWAY with an error", Initiator::remote});
    }
}

void Connection::on_window_update(const frame::WindowUpdateFrame& f) {
    if (f.stream_id == 0) {
        if (!send_window_.increase(f.increment)) {
            return connection_error(ErrorCode::flow_control_error, "connection window above 2^31-1");
        }
        std::uint64_t waiting = 0;
        for (stream::Stream& s : streams_) {
            waiting += s.buffered() + s.external_pending;
            if (s.has_output() && s.send_window.available() > 0) schedule(s);
            notify_writable(s);
        }
        // A small increment costs only while it holds back data we have waiting (the data
        // dribble, CVE-2019-9511), as for streams below: gRPC clients return credit for every
        // small message they receive, with nothing of ours waiting.
        if (waiting > f.increment) overhead_.window_update(f.increment);
        emit(WindowUpdateReceived{0, f.increment});
        return;
    }
    if (is_idle(f.stream_id)) return connection_error(ErrorCode::protocol_error, "WINDOW_UPDATE on an idle stream");
    stream::Stream* s = find(f.stream_id);
    if (!s) return;  // closed: §6.9 allows it (frames in flight)
    if (s->state == State::reserved_remote) {
        return connection_error(ErrorCode::protocol_error, "WINDOW_UPDATE on a stream the peer reserved");
    }
    if (s->buffered() > f.increment) overhead_.window_update(f.increment);
    if (!s->send_window.increase(f.increment)) {
        return stream_error(f.stream_id, ErrorCode::flow_control_error, "stream window above 2^31-1");
    }
    if (s->has_output()) schedule(*s);
    notify_writable(*s);
    emit(WindowUpdateReceived{f.stream_id, f.increment});
}

void Connection::on_priority_update(const frame::PriorityUpdateFrame& f) {
    // RFC 9218 §7.1.
    if (role_ == Role::client) return connection_error(ErrorCode::protocol_error, "PRIORITY_UPDATE from a server");
    overhead_.control_frame();
    Priority p;
    if (stream::Stream* s = find(f.prioritized_stream_id)) {
        p = {s->urgency, s->incremental};
        parse_priority(f.field_value, p);
        s->urgency = p.urgency;
        s->incremental = p.incremental;
        if (s->has_output()) schedule(*s);
    } else if (is_idle(f.prioritized_stream_id)) {
        if (is_local(f.prioritized_stream_id)) {
            return connection_error(ErrorCode::protocol_error, "PRIORITY_UPDATE for an idle push stream");
        }
        if (idle_priorities_map_.size() >= config_.limits.max_idle_priorities &&
            !idle_priorities_map_.count(f.prioritized_stream_id)) {
            return trip(counters_.idle_priority_trips, "too many priorities for idle streams");
        }
        parse_priority(f.field_value, p);
        idle_priorities_map_[f.prioritized_stream_id] = {p.urgency, p.incremental};
    }
    const auto value =
        stable({reinterpret_cast<const std::uint8_t*>(f.field_value.data()), f.field_value.size()}, input_);
    emit(PriorityUpdateReceived{f.prioritized_stream_id, {reinterpret_cast<const char*>(value.data()), value.size()}});
}

}  // namespace h2
