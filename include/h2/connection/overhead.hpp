// Tomcat's overhead counter, with a floor. Pure arithmetic: the engine tells it what
// happened, it says whether the connection has tripped. Rules and numbers are those of
// SECURITY-PLAN §3.2 (OVH-*), which follow Tomcat's Http2UpgradeHandler.
#pragma once

#include <algorithm>
#include <cstdint>

#include "h2/connection/config.hpp"

namespace h2 {

class OverheadCounter {
public:
    explicit OverheadCounter(const OverheadConfig& c) noexcept
        : c_(c),
          count_(-10 * std::int64_t{c.count_factor}),
          floor_(c.floor != 0 ? c.floor : -100 * std::int64_t{c.count_factor}),
          last_window_update_(2 * std::int64_t{c.window_update_threshold}) {}

    // Frames that are useful on their own (a request, a DATA frame, a response sent).
    void useful() noexcept { add(-c_.reduction); }
    // PING, SETTINGS, PRIORITY, PRIORITY_UPDATE, a refused stream, an empty unknown frame.
    void control_frame() noexcept { add(c_.count_factor); }
    // A PING ACK that answers nothing we sent.
    void unsolicited_ack() noexcept { add(1); }
    // RST_STREAM received, or sent because of the peer's error (not CANCEL or NO_ERROR).
    void charge_reset() noexcept { add(c_.reset_factor); }

    // DATA received: useful when it carries octets or ends the stream, however small (gRPC
    // sends messages of a few octets); an empty non-final frame costs data_threshold
    // (CVE-2019-9518), padding or not. Unlike Tomcat, small non-empty frames never cost.
    void data(std::uint32_t length, bool end_stream) noexcept {
        if (length > 0 || end_stream) return useful();
        add(c_.data_threshold);
    }
    // DATA we sent: each data_sent_credit_octets of it earn credit.
    void data_sent(std::uint32_t length) noexcept {
        if (c_.data_sent_credit_octets <= 0) return;
        sent_ += length;
        while (sent_ >= c_.data_sent_credit_octets) {
            sent_ -= c_.data_sent_credit_octets;
            useful();
        }
    }
    // A WINDOW_UPDATE: small increments cost (averaged over two frames).
    void window_update(std::uint32_t increment) noexcept {
        small(last_window_update_, increment, c_.window_update_threshold);
    }
    // A non-final CONTINUATION frame: small fragments cost. An empty one costs the whole
    // threshold (OVH-08a); a non-empty one at most count_factor, unlike Tomcat: HPACK turns a
    // repeated field into one octet, so a legitimate fragment can be tiny (h2spec generic/3.10/2
    // sends exactly that). Floods of tiny fragments still trip here or at max_continuations.
    void continuation(std::uint32_t length, bool end_headers) noexcept {
        if (end_headers || c_.continuation_threshold <= 0) return;
        if (length == 0) return add(c_.continuation_threshold);
        if (length < static_cast<std::uint32_t>(c_.continuation_threshold)) {
            add(std::min<std::int64_t>(c_.continuation_threshold / length, c_.count_factor));
        }
    }

    bool tripped() const noexcept { return count_ > 0; }
    std::int64_t count() const noexcept { return count_; }

private:
    void add(std::int64_t n) noexcept {
        count_ += n;
        if (count_ < floor_) count_ = floor_;
    }
    void small(std::int64_t& last, std::uint32_t size, std::int32_t threshold) noexcept {
        if (threshold <= 0) return;
        std::int64_t average = (last >> 1) + (std::int64_t{size} >> 1);
        last = size;
        if (average == 0) average = 1;
        if (average < threshold) add(threshold / average);
    }

    OverheadConfig c_;
    std::int64_t count_;
    std::int64_t floor_;
    std::int64_t last_window_update_;
    std::int64_t sent_ = 0;
};

}  // namespace h2
