#include "observability.hpp"

#include <ctime>
#include <stdexcept>

namespace h2::runtime {

void Metrics::response(int status, std::uint64_t octets) noexcept {
    const int cls = status / 100;
    if (cls >= 1 && cls <= 5) ++responses[static_cast<std::size_t>(cls)];
    body_octets += octets;
}

void Metrics::connection_ended(const ConnectionCounters& c) noexcept {
    streams += c.streams_opened;
    streams_refused += c.streams_refused;
    resets_received += c.resets_received;
    resets_sent += c.resets_sent;
    overhead_trips += c.overhead_trips;
    continuation_trips += c.continuation_trips;
    header_block_trips += c.header_block_trips;
    settings_trips += c.settings_trips;
    control_queue_trips += c.control_queue_trips;
    local_reset_trips += c.local_reset_trips;
    reset_flood_trips += c.reset_flood_trips;
    idle_priority_trips += c.idle_priority_trips;
    header_lists_too_large += c.header_lists_too_large;
}

std::string Metrics::prometheus(int active) const {
    std::string out;
    auto metric = [&](const char* name, const char* type, const char* help, std::uint64_t v, const char* labels = "") {
        out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
        out += std::string(name) + labels + " " + std::to_string(v) + "\n";
    };
    metric("h2serve_connections_active", "gauge", "Open connections.", static_cast<std::uint64_t>(active));
    metric("h2serve_connections_total", "counter", "Connections accepted.", connections);
    out += "# HELP h2serve_requests_total Requests, by protocol.\n# TYPE h2serve_requests_total counter\n";
    out += "h2serve_requests_total{protocol=\"h2\"} " + std::to_string(requests_h2) + "\n";
    out += "h2serve_requests_total{protocol=\"http/1.1\"} " + std::to_string(requests_h1) + "\n";
    out += "# HELP h2serve_responses_total Responses, by status class.\n# TYPE h2serve_responses_total counter\n";
    for (int c = 1; c <= 5; ++c) {
        out += "h2serve_responses_total{class=\"" + std::to_string(c) + "xx\"} " +
               std::to_string(responses[static_cast<std::size_t>(c)]) + "\n";
    }
    metric("h2serve_response_body_octets_total", "counter", "Response body octets.", body_octets);
    metric("h2serve_streams_total", "counter", "HTTP/2 streams opened (closed connections).", streams);
    metric("h2serve_streams_refused_total", "counter", "Streams refused (concurrency limit).", streams_refused);
    metric("h2serve_resets_received_total", "counter", "RST_STREAM received.", resets_received);
    metric("h2serve_resets_sent_total", "counter", "RST_STREAM sent.", resets_sent);
    metric("h2serve_header_lists_too_large_total", "counter", "Requests refused with 431.", header_lists_too_large);
    out += "# HELP h2serve_abuse_trips_total Connections ended by an abuse limit (ENHANCE_YOUR_CALM).\n"
           "# TYPE h2serve_abuse_trips_total counter\n";
    const std::pair<const char*, const std::atomic<std::uint64_t>*> trips[] = {
        {"overhead", &overhead_trips}, {"continuation", &continuation_trips}, {"header_block", &header_block_trips},
        {"settings", &settings_trips}, {"control_queue", &control_queue_trips}, {"local_resets", &local_reset_trips},
        {"reset_flood", &reset_flood_trips}, {"idle_priorities", &idle_priority_trips}};
    for (const auto& [name, value] : trips) {
        out += std::string("h2serve_abuse_trips_total{limit=\"") + name + "\"} " + std::to_string(*value) + "\n";
    }
    return out;
}

AccessLog::AccessLog(const std::string& path) : file_(path == "-" ? stdout : std::fopen(path.c_str(), "a")), owned_(path != "-") {
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
