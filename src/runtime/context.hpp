// What every connection of a server shares (internal header).
#pragma once

#include <atomic>
#include <string_view>

#include "h2/connection/config.hpp"
#include "h2/runtime/handler.hpp"
#include "h2/runtime/server.hpp"
#include "observability.hpp"

namespace h2::runtime {

struct SessionContext {
    const ServerOptions& options;
    const AsyncHandler& async_handler;
    std::atomic<int>& live_sessions;  // across all workers, for the graceful drain
    Metrics& metrics;
    AccessLog* access_log;  // null: none

    // The engine's configuration: handlers return flow-control credit as they read.
    Config engine_config() const {
        Config c = options.engine;
        c.auto_release = false;
        return c;
    }
    bool is_metrics_request(std::string_view method, std::string_view path) const noexcept {
        return !options.metrics_path.empty() && path == options.metrics_path && (method == "GET" || method == "HEAD");
    }
    // A request served: counted by protocol ("HTTP/2" or "HTTP/1.1"); with a response
    // (status != 0) counted by class and written to the access log.
    void served(std::string_view protocol, std::string_view peer, std::string_view method, std::string_view path,
                int status, std::uint64_t octets) const {
        (protocol == "HTTP/2" ? metrics.requests_h2 : metrics.requests_h1)++;
        if (status == 0) return;
        metrics.response(status, octets);
        if (access_log) access_log->write(peer, method, path, protocol, status, octets);
    }
};

}  // namespace h2::runtime
