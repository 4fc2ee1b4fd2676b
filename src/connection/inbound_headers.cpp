// Header blocks: HEADERS, PUSH_PROMISE and CONTINUATION become requests, responses, 1xx,
// trailers and pushes (RFC 9113 §4.3, §6.2, §6.6, §6.10, §8).
#include "h2/connection/connection.hpp"
#include "h2/connection/http_fields.hpp"
#include "h2/connection/priority.hpp"
#include "h2/frame/writer.hpp"

namespace h2 {

using stream::Input;
using stream::State;

void Connection::on_headers(const frame::HeadersFrame& f) {
    block_ = {f.stream_id, 0, f.end_stream, false, f.priority && f.priority->dependency == f.stream_id};  // §5.3.1
    switch (assembler_.begin(f.fragment, f.end_headers)) {
        case frame::HeaderBlockAssembler::Status::complete:
            return on_header_block(assembler_.block());
        case frame::HeaderBlockAssembler::Status::incomplete:
            return;
        default:
            return trip(counters_.header_block_trips, "header block too large");
    }
}

void Connection::on_continuation(const frame::ContinuationFrame& f) {
    overhead_.continuation(static_cast<std::uint32_t>(f.fragment.size()), f.end_headers);
    switch (assembler_.append(f.fragment, f.end_headers)) {
        case frame::HeaderBlockAssembler::Status::complete:
            return on_header_block(assembler_.block());
        case frame::HeaderBlockAssembler::Status::incomplete:
            return;
        case frame::HeaderBlockAssembler::Status::too_many_continuations:
            return trip(counters_.continuation_trips, "too many CONTINUATION frames");
        case frame::HeaderBlockAssembler::Status::too_large:
            return trip(counters_.header_block_trips, "header block too large");
    }
}

void Connection::on_header_block(std::span<const std::uint8_t> block) {
    // The block is always decoded, whatever becomes of its stream: the HPACK context is
    // shared by the whole connection (RFC 9113 §4.3).
    block = stable(block, input_);
    const std::size_t offset = fields_.size();
    const hpack::DecodeResult r = decoder_.decode_retaining(block, fields_);
    if (r.status == hpack::DecodeStatus::compression_error) {
        return connection_error(ErrorCode::compression_error, r.reason);
    }
    const bool too_large = r.status == hpack::DecodeStatus::header_list_too_large ||
                           fields_.size() - offset > config_.limits.max_header_count;
    if (too_large) ++counters_.header_lists_too_large;
    if (block_.push_promise) return on_push_block(offset, too_large);

    const StreamId id = block_.stream;
    if (stream::Stream* s = find(id)) return on_stream_headers(*s, offset, too_large);
    if (is_idle(id)) return on_new_stream_headers(id, offset, too_large);
    // A stream that is gone.
    const ClosedStream* c = recently_closed(id);
    if (c && c->reset_by_us) return;  // §5.1: ignored after our RST_STREAM
    if (c || is_local(id)) return connection_error(ErrorCode::stream_closed, "HEADERS on a closed stream");
    // §5.1.1: a new stream must have a higher id than every earlier one.
    connection_error(ErrorCode::protocol_error, "stream id lower than a previous one");
}

void Connection::emit_headers(StreamId id, HeadersKind kind, std::size_t offset, bool end_stream) {
    fixups_.push_back({events_ ? events_->size() : 0, offset, fields_.size() - offset});
    emit(HeadersReceived{id, kind, {}, end_stream});
}

void Connection::on_new_stream_headers(StreamId id, std::size_t offset, bool too_large) {
    if (role_ == Role::client) {
        // Servers open streams only with PUSH_PROMISE.
        return connection_error(ErrorCode::protocol_error, "HEADERS on a stream that was not opened");
    }
    if (is_local(id)) return connection_error(ErrorCode::protocol_error, "even stream id from a client");
    last_peer_stream_ = id;
    if (goaway_sent_) return;  // §6.8: streams above our GOAWAY's last id are not processed
    if (peer_streams_open_ >= local_.max_concurrent_streams) {
        // §5.1.2: refused; the client may retry it. Costs like a control frame (OVH-10),
        // except for a client that could not know our limit yet: before it acknowledged our
        // SETTINGS, clients commonly assume 100 streams (RFC 9113 §6.5.2 recommends no less).
        ++counters_.streams_refused;
        if (local_acked_ || counters_.streams_refused > config_.limits.refusals_forgiven_before_ack) {
            overhead_.control_frame();
        }
        const std::size_t mark = out_.size();
        frame::write_rst_stream(out_, id, ErrorCode::refused_stream);
        after_control_write(mark);
        remember_closed(id, true);
        return;
    }
    if (block_.self_dependent) return stream_error(id, ErrorCode::protocol_error, "stream depends on itself");
    if (too_large) {
        // RFC 9113 §10.5.1 / RFC 6585: 431, then stop the request body without an error
        // (§8.1). The application never sees the stream, so it gets no record. Written without
        // the application: counts like a control frame we answer with.
        const std::size_t mark = out_.size();
        const hpack::HeaderField status[] = {{":status", "431"}};
        encode_headers(id, status, true);
        if (!block_.end_stream) frame::write_rst_stream(out_, id, ErrorCode::no_error);
        after_control_write(mark);
        remember_closed(id, true);
        return;
    }
    http::Request req;
    const std::string_view why = http::check_request(fields_from(offset), local_.enable_connect_protocol, req);
    if (!why.empty()) return stream_error(id, ErrorCode::protocol_error, why);
    if (block_.end_stream && req.content_length && *req.content_length != 0) {
        return stream_error(id, ErrorCode::protocol_error, "content-length with no body");
    }
    overhead_.useful();
    stream::Stream& s = open_stream(id);
    transition(s, Input::recv_headers);
    s.final_headers_received = true;
    s.expected_length = req.content_length;
    Priority p;
    if (auto it = idle_priorities_map_.find(id); it != idle_priorities_map_.end()) {
        p = {it->second.first, it->second.second};
        idle_priorities_map_.erase(it);
    } else {
        for (const auto& f : fields_from(offset)) {
            if (f.name == "priority") parse_priority(f.value, p);
        }
    }
    s.urgency = p.urgency;
    s.incremental = p.incremental;
    emit_headers(id, HeadersKind::request, offset, block_.end_stream);
    if (block_.end_stream) end_inbound(s);
}

void Connection::on_stream_headers(stream::Stream& s, std::size_t offset, bool too_large) {
    const StreamId id = s.id;
    const bool end_stream = block_.end_stream;
    if (block_.self_dependent) return stream_error(id, ErrorCode::protocol_error, "stream depends on itself");
    if (!transition(s, Input::recv_headers)) {
        // §5.1: a connection error on a stream we reserved, STREAM_CLOSED once the peer ended it.
        if (s.state == State::reserved_local) {
            return connection_error(ErrorCode::protocol_error, "HEADERS on a stream we reserved");
        }
        return stream_error(id, ErrorCode::stream_closed, "HEADERS after END_STREAM");
    }
    if (too_large) return reset_stream(id, ErrorCode::cancel), void();
    const auto fields = fields_from(offset);
    if (role_ == Role::client && !s.final_headers_received) {
        http::Response resp;
        if (auto why = http::check_response(fields, resp); !why.empty()) {
            return stream_error(id, ErrorCode::protocol_error, why);
        }
        if (resp.status < 200) {
            // §8.1: a 1xx never ends the stream; 101 is not used in HTTP/2 (§8.6).
            if (end_stream || resp.status == 101) {
                return stream_error(id, ErrorCode::protocol_error, "invalid informational response");
            }
            return emit_headers(id, HeadersKind::informational, offset, false);
        }
        s.final_headers_received = true;
        s.expected_length = resp.content_length;
        if (resp.status == 204 || resp.status == 304) s.no_response_body = true;
        if (end_stream && s.expected_length && *s.expected_length != 0 && !s.no_response_body) {
            return stream_error(id, ErrorCode::protocol_error, "content-length with no body");
        }
        emit_headers(id, HeadersKind::response, offset, end_stream);
        if (end_stream) end_inbound(s);
        return;
    }
    // Trailers (§8.1): they end the stream, and carry no pseudo-header.
    if (!end_stream) return stream_error(id, ErrorCode::protocol_error, "trailers without END_STREAM");
    if (auto why = http::check_trailers(fields); !why.empty()) {
        return stream_error(id, ErrorCode::protocol_error, why);
    }
    if (s.expected_length && !s.no_response_body && s.received_length != *s.expected_length) {
        return stream_error(id, ErrorCode::protocol_error, "DATA does not match content-length");
    }
    emit_headers(id, HeadersKind::trailers, offset, true);
    end_inbound(s);
}

void Connection::on_push_promise(const frame::PushPromiseFrame& f) {
    // RFC 9113 §6.6 and §8.4.
    if (role_ == Role::server) return connection_error(ErrorCode::protocol_error, "PUSH_PROMISE from a client");
    if (!local_.enable_push) return connection_error(ErrorCode::protocol_error, "PUSH_PROMISE with push disabled");
    const stream::Stream* s = find(f.stream_id);
    if (!s || !is_local(f.stream_id) || (s->state != State::open && s->state != State::half_closed_local)) {
        return connection_error(ErrorCode::protocol_error, "PUSH_PROMISE on a stream that cannot carry it");
    }
    if (is_local(f.promised_stream_id) || !is_idle(f.promised_stream_id)) {
        return connection_error(ErrorCode::protocol_error, "PUSH_PROMISE with an invalid promised stream id");
    }
    block_ = {f.stream_id, f.promised_stream_id, false, true, false};
    switch (assembler_.begin(f.fragment, f.end_headers)) {
        case frame::HeaderBlockAssembler::Status::complete:
            return on_header_block(assembler_.block());
        case frame::HeaderBlockAssembler::Status::incomplete:
            return;
        default:
            return trip(counters_.header_block_trips, "header block too large");
    }
}

void Connection::on_push_block(std::size_t offset, bool too_large) {
    const StreamId promised = block_.promised;
    last_peer_stream_ = promised;
    http::Request req;
    const auto why = http::check_request(fields_from(offset), false, req);
    if (too_large || !why.empty() || (req.method != "GET" && req.method != "HEAD")) {
        // §8.4: a promised request must be safe and cacheable; refuse what is not.
        return stream_error(promised, ErrorCode::protocol_error, "invalid promised request");
    }
    stream::Stream& s = open_stream(promised);
    transition(s, Input::recv_push_promise);
    s.no_response_body = req.method == "HEAD";
    fixups_.push_back({events_ ? events_->size() : 0, offset, fields_.size() - offset});
    emit(PushPromiseReceived{block_.stream, promised, {}});
}

}  // namespace h2
