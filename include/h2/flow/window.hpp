// Flow-control windows (RFC 9113 §5.2, §6.9). Windows are signed: a SETTINGS change can make
// one negative (§6.9.2). All arithmetic is checked against 2^31-1.
#pragma once

#include <cstdint>

#include "h2/frame/header.hpp"

namespace h2::flow {

inline constexpr std::int64_t max_window = frame::max_window_size;  // 2^31-1

// What we may still send. Shrinks with every DATA payload sent, grows with WINDOW_UPDATE.
class SendWindow {
public:
    explicit SendWindow(std::int64_t initial = frame::default_initial_window_size) noexcept : window_(initial) {}

    std::int64_t available() const noexcept { return window_ > 0 ? window_ : 0; }
    std::int64_t value() const noexcept { return window_; }

    void consume(std::uint32_t n) noexcept { window_ -= n; }

    // RFC 9113 §6.9.1: a WINDOW_UPDATE that takes the window above 2^31-1 is an error
    // (FLOW_CONTROL_ERROR of the window's scope). Returns false then, unchanged.
    [[nodiscard]] bool increase(std::uint32_t n) noexcept {
        if (window_ + n > max_window) return false;
        window_ += n;
        return true;
    }

    // RFC 9113 §6.9.2: a new SETTINGS_INITIAL_WINDOW_SIZE shifts every stream window by the
    // difference; the result may be negative, and above 2^31-1 is an error.
    [[nodiscard]] bool apply_initial_window_delta(std::int64_t delta) noexcept {
        if (window_ + delta > max_window) return false;
        window_ += delta;
        return true;
    }

private:
    std::int64_t window_;
};

// What the peer may still send us, and the credit to give back. Data counts against the
// window when it arrives; the application (or the engine, for data it discards) releases it
// when consumed; a WINDOW_UPDATE is due once the released credit reaches the threshold.
class ReceiveWindow {
public:
    explicit ReceiveWindow(std::uint32_t size = frame::default_initial_window_size) noexcept
        : size_(size), window_(size) {}

    // RFC 9113 §6.9.1: more data than the window allows is a FLOW_CONTROL_ERROR.
    [[nodiscard]] bool receive(std::uint32_t n) noexcept {
        if (n > window_) return false;
        window_ -= n;
        return true;
    }

    // The application consumed n octets (at most what was received and not yet released).
    void release(std::uint32_t n) noexcept { released_unsent_ += n; }

    // The increment to send now, or 0. Batches: an update is sent once at least half of the
    // window's size has been released (so a 64 KiB window sends one update per 32 KiB).
    std::uint32_t take_update() noexcept {
        if (released_unsent_ == 0 || released_unsent_ < size_ / 2) return 0;
        return take_all();
    }
    // Everything released so far, whatever the threshold.
    std::uint32_t take_all() noexcept {
        const std::uint32_t n = released_unsent_;
        window_ += n;
        released_unsent_ = 0;
        return n;
    }

    // A new size for this window (our SETTINGS_INITIAL_WINDOW_SIZE, acknowledged by the
    // peer, or a connection window raised with WINDOW_UPDATE). Applies the difference.
    void resize(std::uint32_t size) noexcept {
        window_ += static_cast<std::int64_t>(size) - size_;
        size_ = size;
    }

    std::int64_t available() const noexcept { return window_; }
    std::uint32_t size() const noexcept { return size_; }
    // Credit released by the application and not yet sent in a WINDOW_UPDATE.
    std::uint32_t released_unsent() const noexcept { return released_unsent_; }

private:
    std::uint32_t size_;
    std::int64_t window_;
    std::uint32_t released_unsent_ = 0;
};

}  // namespace h2::flow
