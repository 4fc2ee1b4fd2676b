// The engine's output: the DATA scheduler (RFC 9218 urgency and incremental), external
// payloads (DATA whose octets the caller writes), and the two output buffers, one frozen as
// the batch being written while the other fills.
#include <algorithm>
#include <cassert>

#include "h2/connection/connection.hpp"
#include "h2/frame/writer.hpp"

namespace h2 {

using stream::Input;

SubmitError Connection::submit_external_data(StreamId id, std::uint64_t length, bool end_stream) {
    if (closed_) return SubmitError::connection_closed;
    stream::Stream* s = find(id);
    if (!s) return SubmitError::no_such_stream;
    if (!s->headers_sent || s->awaiting_open || s->end_after_data || s->trailers_pending ||
        !stream::can_send_data(s->state)) {
        return SubmitError::wrong_state;
    }
    s->external_pending += length;
    if (end_stream) s->end_after_data = true;
    if (s->has_output()) schedule(*s);
    return SubmitError::none;
}

// ---------------------------------------------------------------------------------------
// The DATA scheduler (RFC 9218 §10): lower urgency first; within an urgency, incremental
// streams take turns frame by frame, non-incremental ones go one after the other.

void Connection::schedule(stream::Stream& s) {
    if (s.scheduled || s.awaiting_open) return;
    s.scheduled = true;
    ready_[std::min<std::uint8_t>(s.urgency, 7)].push_back(s.id);
}

void Connection::fill_data() {
    if (closed_) return;
    const std::size_t pending = out_.size() + fill_external_octets_;
    if (pending >= config_.output_batch_size) return;
    std::size_t budget = config_.output_batch_size - pending;
    for (auto& queue : ready_) {
        while (!queue.empty() && budget > 0) {
            const StreamId id = queue.front();
            queue.pop_front();
            stream::Stream* s = find(id);
            if (!s) continue;
            s->scheduled = false;
            if (!write_stream_output(*s, budget)) continue;
            s->scheduled = true;
            if (s->incremental) queue.push_back(id);
            else queue.push_front(id);
        }
    }
}

// The largest DATA payload the stream may send now (0: a window is shut).
std::size_t Connection::data_frame_room(const stream::Stream& s, std::size_t budget) const noexcept {
    const std::int64_t window = std::min(s.send_window.available(), send_window_.available());
    if (window <= 0) return 0;
    return std::min<std::size_t>({static_cast<std::size_t>(window), peer_.max_frame_size, config_.max_data_frame_size,
                                  std::max<std::size_t>(budget, 1)});
}

// Writes one frame of the stream's output. Returns true if the stream can write more now.
bool Connection::write_stream_output(stream::Stream& s, std::size_t& budget) {
    const std::size_t buffered = s.buffered();
    if (buffered > 0 || s.external_pending > 0) {
        const std::size_t room = data_frame_room(s, budget);
        if (room == 0) return false;  // rescheduled by WINDOW_UPDATE or SETTINGS
        const bool memory = buffered > 0;
        const std::size_t n = std::min<std::uint64_t>(room, memory ? buffered : s.external_pending);
        const bool last = s.end_after_data && !s.trailers_pending &&
                          (memory ? n == buffered && s.external_pending == 0 : n == s.external_pending);
        if (memory) {
            frame::write_data(out_, s.id, {s.send_buffer.data() + s.send_offset, n}, last);
            s.send_offset += n;
            if (s.send_offset == s.send_buffer.size()) {
                s.send_buffer.clear();
                s.send_offset = 0;
            }
        } else {
            const auto header = frame::data_frame_header(s.id, static_cast<std::uint32_t>(n), last);
            out_.insert(out_.end(), header.begin(), header.end());
            fill_external_.push_back({out_.size(), s.id, static_cast<std::uint32_t>(n)});
            fill_external_octets_ += n;
            s.external_pending -= n;
        }
        s.send_window.consume(static_cast<std::uint32_t>(n));
        send_window_.consume(static_cast<std::uint32_t>(n));
        counters_.data_octets_sent += n;
        overhead_.data_sent(static_cast<std::uint32_t>(n));
        budget -= std::min(budget, n + frame::header_size);
        if (s.writable_wanted && s.buffered() <= config_.limits.max_buffered_data_per_stream / 2) {
            s.writable_wanted = false;
            emit(StreamWritable{s.id});
        }
        if (last) {
            s.end_after_data = false;
            finish_send(s);
            return false;
        }
        return s.has_output();
    }
    if (s.trailers_pending) {
        s.trailers_pending = false;
        std::vector<hpack::HeaderField> fields;
        for (const auto& [n, v] : s.trailers) fields.push_back({n, v});
        transition(s, Input::send_headers);
        encode_headers(s.id, fields, true);
        finish_send(s);
        return false;
    }
    if (s.end_after_data) {
        s.end_after_data = false;
        frame::write_data(out_, s.id, {}, true);
        finish_send(s);
    }
    return false;
}

bool Connection::any_stream_ready() const noexcept {
    return std::any_of(ready_.begin(), ready_.end(), [](const auto& q) { return !q.empty(); });
}

// ---------------------------------------------------------------------------------------
// Output: frames are written into out_; the batch a caller is writing is frozen_, which no
// submission touches until it has been consumed entirely.

void Connection::check_frozen_batch() const noexcept {
    // A frozen batch that moved or changed size was written to under a write in flight: the
    // bug class this design exists to prevent (docs/runtime.md, "one owner per connection").
    assert(frozen_.data() == frozen_data_ && frozen_.size() == frozen_size_ &&
           "the output batch being written was modified");
}

Connection::OutputBatch Connection::pending_batch() {
    check_frozen_batch();
    if (frozen_head_ == frozen_.size() && frozen_external_.empty()) {
        fill_data();
        std::swap(frozen_, out_);
        std::swap(frozen_external_, fill_external_);
        frozen_external_octets_ = fill_external_octets_;
        fill_external_octets_ = 0;
        out_.clear();
        fill_external_.clear();
        frozen_head_ = 0;
        frozen_data_ = frozen_.data();
        frozen_size_ = frozen_.size();
    }
    return {{frozen_.data() + frozen_head_, frozen_.size() - frozen_head_}, frozen_external_, frozen_head_};
}

std::span<const std::uint8_t> Connection::pending_output() { return pending_batch().octets; }

void Connection::consume_output(std::size_t n) noexcept {
    check_frozen_batch();
    n = std::min(n, frozen_.size() - frozen_head_);
    frozen_head_ += n;
    reactive_octets_ -= std::min(reactive_octets_, n);
    if (frozen_head_ == frozen_.size()) {
        // The whole batch is out (its external payloads were the caller's to write).
        frozen_.clear();
        frozen_external_.clear();
        frozen_external_octets_ = 0;
        frozen_head_ = 0;
        frozen_data_ = frozen_.data();
        frozen_size_ = 0;
    }
}

bool Connection::has_pending_output() const noexcept {
    if (frozen_head_ < frozen_.size() || !out_.empty()) return true;
    return !closed_ && any_stream_ready();
}

std::size_t Connection::buffered_output() const noexcept {
    return frozen_.size() - frozen_head_ + frozen_external_octets_ + out_.size() + fill_external_octets_;
}

}  // namespace h2
