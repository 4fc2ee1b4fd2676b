#include "observability.hpp"

#include <ctime>
#include <stdexcept>

namespace h2::runtime {

bool LogBudget::take(std::uint64_t& held_back) {
    const auto now = std::chrono::steady_clock::now();
    std::lock_guard lock(mutex_);
    if (last_ != std::chrono::steady_clock::time_point{}) {
        tokens_ = std::min(kBurst, tokens_ + std::chrono::duration<double>(now - last_).count() * kPerSecond);
    }
    last_ = now;
    if (tokens_ < 1) {
        ++held_back_;
        return false;
    }
    tokens_ -= 1;
    held_back = std::exchange(held_back_, 0);
    return true;
}

void Metrics::response(int status, std::uint64_t octets) noexcept {
    const int cls = status / 100;
    if (cls >= 1 && cls <= 5) ++responses[static_cast<std::size_t>(cls)];
    body_octets += octets;
}

void Metrics::connection_ended(const ConnectionCounters& c) noexcept {
    for (std::size_t i = 0; i < engine.size(); ++i) engine[i] += c.*ConnectionCounters::fields[i].second;
}

void Metrics::stream_reset(ErrorCode code, bool received) noexcept {
    const auto c = static_cast<std::uint32_t>(code);
    ++resets[received ? 1 : 0][c < 14 ? c : 14];
}

std::string Metrics::prometheus(int active) const {
    std::string out;
    auto metric = [&](const std::string& name, const char* type, std::string_view help, std::uint64_t v) {
        out += "# HELP " + std::string(name) + " " + std::string(help) + "\n# TYPE " + std::string(name) + " " + type +
               "\n";
        out += std::string(name) + " " + std::to_string(v) + "\n";
    };
    metric("h2serve_connections_active", "gauge", "Open connections.", static_cast<std::uint64_t>(active));
    metric("h2serve_connections_total", "counter", "Connections accepted.", connections);
    metric("h2serve_connections_rejected_total", "counter", "Connections closed at once: a worker had its maximum.",
           connections_rejected);
    metric("h2serve_accept_failures_total", "counter", "accept(2) failures (out of file descriptors).",
           accept_failures);
    out +=
        "# HELP h2serve_stalled_streams_total Streams reset for making no progress, by what held them.\n"
        "# TYPE h2serve_stalled_streams_total counter\n";
    for (std::size_t i = 0; i < stalls.size(); ++i) {
        out += "h2serve_stalled_streams_total{held_by=\"" + std::string(to_string(static_cast<StallCause>(i))) +
               "\"} " + std::to_string(stalls[i]) + "\n";
    }
    out += "# HELP h2serve_requests_total Requests, by protocol.\n# TYPE h2serve_requests_total counter\n";
    out += "h2serve_requests_total{protocol=\"h2\"} " + std::to_string(requests_h2) + "\n";
    out += "h2serve_requests_total{protocol=\"http/1.1\"} " + std::to_string(requests_h1) + "\n";
    out += "# HELP h2serve_responses_total Responses, by status class.\n# TYPE h2serve_responses_total counter\n";
    for (int c = 1; c <= 5; ++c) {
        out += "h2serve_responses_total{class=\"" + std::to_string(c) + "xx\"} " +
               std::to_string(responses[static_cast<std::size_t>(c)]) + "\n";
    }
    metric("h2serve_response_body_octets_total", "counter", "Response body octets.", body_octets);
    out +=
        "# HELP h2serve_stream_resets_total RST_STREAM frames, by direction and error code.\n"
        "# TYPE h2serve_stream_resets_total counter\n";
    for (int d = 0; d < 2; ++d) {
        for (std::uint32_t c = 0; c < 15; ++c) {
            const std::string code = c < 14 ? std::string(to_string(static_cast<ErrorCode>(c))) : "OTHER";
            out += "h2serve_stream_resets_total{direction=\"" + std::string(d ? "received" : "sent") + "\",code=\"" +
                   code + "\"} " + std::to_string(resets[static_cast<std::size_t>(d)][c]) + "\n";
        }
    }
    // The engine's counters (HTTP/2 connections that have ended): abuse-limit trips as one
    // family labelled by limit, the others one metric each.
    std::string trips =
        "# HELP h2serve_abuse_trips_total Connections ended by an abuse limit (ENHANCE_YOUR_CALM).\n"
        "# TYPE h2serve_abuse_trips_total counter\n";
    for (std::size_t i = 0; i < engine.size(); ++i) {
        const std::string_view name = ConnectionCounters::fields[i].first;
        if (name.ends_with("_trips")) {
            trips += "h2serve_abuse_trips_total{limit=\"" + std::string(name.substr(0, name.size() - 6)) + "\"} " +
                     std::to_string(engine[i]) + "\n";
        } else {
            metric("h2serve_" + std::string(name) + "_total", "counter",
                   "Engine counter, summed over the connections that have ended.", engine[i]);
        }
    }
    return out + trips;
}

AccessLog::AccessLog(const std::string& path)
    : file_(path == "-" ? stdout : std::fopen(path.c_str(), "a")), owned_(path != "-") {
    if (!file_) throw std::runtime_error("cannot open access log " + path);
}

AccessLog::~AccessLog() {
    if (owned_ && file_) std::fclose(file_);
}

void AccessLog::write(std::string_view peer, std::string_view method, std::string_view path, std::string_view protocol,
                      int status, std::uint64_t octets) {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%d/%b/%Y:%H:%M:%S +0000", &tm);
    const std::lock_guard<std::mutex> lock(mutex_);
    std::fprintf(file_, "%.*s - - [%s] \"%.*s %.*s %.*s\" %d %llu\n", static_cast<int>(peer.size()), peer.data(), stamp,
                 static_cast<int>(method.size()), method.data(), static_cast<int>(path.size()), path.data(),
                 static_cast<int>(protocol.size()), protocol.data(), status, static_cast<unsigned long long>(octets));
    std::fflush(file_);
}

}  // namespace h2::runtime
