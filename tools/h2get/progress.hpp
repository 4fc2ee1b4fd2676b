// A progress bar on stderr for a download (h2get uses it only when stderr is a terminal).
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string_view>

namespace h2get {

class Progress {
public:
    explicit Progress(std::string_view content_length) {
        for (char c : content_length) {
            if (c < '0' || c > '9') return;
            total_ = total_ * 10 + static_cast<std::uint64_t>(c - '0');
        }
    }
    void advance(std::size_t n) {
        done_ += n;
        const auto now = std::chrono::steady_clock::now();
        if (now - shown_ >= std::chrono::milliseconds(100)) show(now);
    }
    void finish() {
        show(std::chrono::steady_clock::now());
        std::fputc('\n', stderr);
    }

private:
    void show(std::chrono::steady_clock::time_point now) {
        shown_ = now;
        const double seconds = std::chrono::duration<double>(now - start_).count();
        const double rate = seconds > 0 ? static_cast<double>(done_) / seconds / 1e6 : 0;
        if (total_ > 0) {
            const int width = 30,
                      filled = static_cast<int>(width * static_cast<double>(done_) / static_cast<double>(total_));
            std::fprintf(stderr, "\r[%.*s%*s] %3d%% %.1f of %.1f MB  %.1f MB/s ", filled,
                         "==============================", width - filled, "", static_cast<int>(100 * done_ / total_),
                         static_cast<double>(done_) / 1e6, static_cast<double>(total_) / 1e6, rate);
        } else {
            std::fprintf(stderr, "\r%.1f MB  %.1f MB/s ", static_cast<double>(done_) / 1e6, rate);
        }
    }

    std::uint64_t total_ = 0, done_ = 0;
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now(), shown_{};
};

}  // namespace h2get
