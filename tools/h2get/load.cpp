#include "load.hpp"

#include <algorithm>
#include <boost/asio.hpp>
#include <cstdio>
#include <iostream>
#include <memory>
#include <vector>

namespace h2get {

namespace asio = boost::asio;
namespace rt = h2::runtime;

namespace {

struct Tally {
    std::uint64_t issued = 0, done = 0, succeeded = 0, failed = 0, errored = 0, body_octets = 0;
    std::uint64_t by_class[6] = {};  // [2] = 2xx ...
    std::vector<std::uint32_t> latency_us;
    std::string first_error;
};

asio::awaitable<void> worker(rt::Client& client, const Options& o, Tally& t) {
    const rt::ClientRequest prototype = make_request(o, o.urls.front());
    while (t.issued < o.requests) {
        ++t.issued;
        const auto start = std::chrono::steady_clock::now();
        std::string error;
        try {
            auto res = co_await client.request(prototype);
            for (auto piece = co_await res.read(); !piece.empty(); piece = co_await res.read())
                t.body_octets += piece.size();
            ++t.by_class[std::clamp(res.status / 100, 0, 5)];
            if (res.status < 400) ++t.succeeded;
            else ++t.failed;
        } catch (const std::exception& e) {
            error = e.what();
        }
        if (!error.empty()) {
            ++t.errored;
            if (t.first_error.empty()) t.first_error = error;
        }
        ++t.done;
        t.latency_us.push_back(static_cast<std::uint32_t>(
            std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count()));
    }
}

std::uint32_t percentile(const std::vector<std::uint32_t>& sorted, double p) {
    if (sorted.empty()) return 0;
    const auto i = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1));
    return sorted[i];
}

}  // namespace

int run_load(const Options& o) {
    asio::io_context io(1);
    std::vector<std::unique_ptr<rt::Client>> clients;
    for (unsigned c = 0; c < o.connections; ++c) {
        rt::ClientOptions options = client_options(o);
        options.max_connections_per_origin = 1;
        clients.push_back(std::make_unique<rt::Client>(io.get_executor(), options));
    }
    Tally t;
    t.latency_us.reserve(static_cast<std::size_t>(o.requests));
    std::size_t running = 0;
    for (auto& client : clients) {
        for (unsigned m = 0; m < o.streams; ++m) {
            ++running;
            asio::co_spawn(io, worker(*client, o, t), [&](std::exception_ptr) {
                if (--running > 0) return;
                for (auto& c : clients) c->shutdown();
            });
        }
    }
    const auto start = std::chrono::steady_clock::now();
    io.run();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::sort(t.latency_us.begin(), t.latency_us.end());
    std::printf("finished in %.2fs, %.2f req/s, %.2fMB/s\n", seconds, static_cast<double>(t.done) / seconds,
                static_cast<double>(t.body_octets) / seconds / 1e6);
    std::printf("requests: %llu total, %llu done, %llu succeeded, %llu failed, %llu errored\n",
                static_cast<unsigned long long>(o.requests), static_cast<unsigned long long>(t.done),
                static_cast<unsigned long long>(t.succeeded), static_cast<unsigned long long>(t.failed),
                static_cast<unsigned long long>(t.errored));
    std::printf("status codes: %llu 2xx, %llu 3xx, %llu 4xx, %llu 5xx\n",
                static_cast<unsigned long long>(t.by_class[2]), static_cast<unsigned long long>(t.by_class[3]),
                static_cast<unsigned long long>(t.by_class[4]), static_cast<unsigned long long>(t.by_class[5]));
    std::printf("traffic: %llu body octets\n", static_cast<unsigned long long>(t.body_octets));
    std::printf("latency: p50 %uus, p90 %uus, p99 %uus, max %uus\n", percentile(t.latency_us, 0.5),
                percentile(t.latency_us, 0.9), percentile(t.latency_us, 0.99),
                t.latency_us.empty() ? 0u : t.latency_us.back());
    if (t.succeeded == o.requests) return ok;
    std::cerr << "h2get: " << (o.requests - t.succeeded) << " of " << o.requests << " requests failed"
              << (t.first_error.empty() ? "" : " (first: " + t.first_error + ")") << "\n";
    return t.errored > 0 ? protocol : http_error;
}

}  // namespace h2get
