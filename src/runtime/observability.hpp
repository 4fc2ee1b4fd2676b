// Counters across all connections (Prometheus text at --metrics-path) and the access log.
// Internal header; no Boost.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>

#include "h2/connection/connection.hpp"
#include "stall.hpp"

namespace h2::runtime {

// Log lines a peer can cause (stall resets, connection errors) are rationed, so that an
// attacker cannot turn requests into unbounded log volume or block a worker on a full stderr:
// a burst of kBurst lines, then kPerSecond a second; the lines held back are counted and the
// next line written says how many.
class LogBudget {
public:
    static constexpr double kBurst = 20, kPerSecond = 5;
    // True when a line may be written now; `held_back` is then the count since the last one.
    bool take(std::uint64_t& held_back);

private:
    std::mutex mutex_;
    double tokens_ = kBurst;
    std::chrono::steady_clock::time_point last_{};
    std::uint64_t held_back_ = 0;
};

struct Metrics {
    std::atomic<std::uint64_t> connections{0};
    std::atomic<std::uint64_t> connections_rejected{0};  // beyond max_connections_per_worker
    std::atomic<std::uint64_t> accept_failures{0};       // accept(2) failed (out of descriptors)
    // Streams reset for not moving for stream_stall_timeout, by what held them (StallCause).
    std::array<std::atomic<std::uint64_t>, 5> stalls{};
    std::atomic<std::uint64_t> requests_h2{0}, requests_h1{0};
    std::array<std::atomic<std::uint64_t>, 6> responses{};  // by class: [1] = 1xx ... [5] = 5xx
    std::atomic<std::uint64_t> body_octets{0};
    // Each connection's ConnectionCounters, added up when it ends (same order as its fields).
    std::array<std::atomic<std::uint64_t>, std::size(ConnectionCounters::fields)> engine{};
    // RST_STREAM by direction ([0] sent, [1] received) and error code (0x0-0xd, [14]: others).
    std::array<std::array<std::atomic<std::uint64_t>, 15>, 2> resets{};
    LogBudget log_budget;  // for the lines peers can cause

    void response(int status, std::uint64_t octets) noexcept;
    void connection_ended(const ConnectionCounters& c) noexcept;
    void stream_reset(ErrorCode code, bool received) noexcept;
    // Prometheus text exposition format 0.0.4.
    std::string prometheus(int active_connections) const;
};

// One line per response; shared by the workers, so writes take a lock (only when enabled).
class AccessLog {
public:
    explicit AccessLog(const std::string& path);  // "-" is standard output; throws if unwritable
    ~AccessLog();
    AccessLog(const AccessLog&) = delete;
    AccessLog& operator=(const AccessLog&) = delete;

    // `peer "METHOD PATH PROTOCOL" STATUS OCTETS`, after a timestamp.
    void write(std::string_view peer, std::string_view method, std::string_view path, std::string_view protocol,
               int status, std::uint64_t octets);

private:
    std::mutex mutex_;
    std::FILE* file_;
    bool owned_;
};

}  // namespace h2::runtime
