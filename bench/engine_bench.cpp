// Request/response exchanges through a client engine and a server engine in memory: libh2
// beside a libnghttp2 client/server session pair, same requests, same bodies. Also counts
// heap allocations per exchange in steady state (operator new is replaced in this binary).
//
// Prints a markdown table (and writes it to --table=FILE, default engine-bench.md).
#include <benchmark/benchmark.h>
#include <nghttp2/nghttp2.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <new>
#include <sstream>

#include "h2/connection/connection.hpp"

// ---------------------------------------------------------------------------------------
// Counting allocator

static std::atomic<std::uint64_t> g_allocations{0};

void* operator new(std::size_t n) {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(n ? n : 1)) return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t n) { return operator new(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

namespace {

const h2::hpack::HeaderField kRequest[] = {{":method", "GET"},
                                           {":scheme", "https"},
                                           {":path", "/index.html"},
                                           {":authority", "example.org"},
                                           {"user-agent", "bench/1.0"},
                                           {"accept", "*/*"}};
const h2::hpack::HeaderField kResponse[] = {{":status", "200"}, {"content-type", "text/html"}, {"server", "libh2"}};

// ---------------------------------------------------------------------------------------
// libh2

struct Libh2Pair {
    h2::Connection client = h2::Connection::client();
    h2::Connection server = h2::Connection::server();
    std::vector<h2::Event> events;
    std::vector<std::uint8_t> body;
    std::size_t received = 0;

    explicit Libh2Pair(std::size_t body_size) : body(body_size, 'x') { pump(); }

    void move(h2::Connection& from, h2::Connection& to) {
        for (auto out = from.pending_output(); !out.empty(); out = from.pending_output()) {
            events.clear();
            to.receive(out, events);
            from.consume_output(out.size());
            handle(to);
        }
    }
    void handle(h2::Connection& at) {
        for (const auto& ev : events) {
            if (const auto* h = std::get_if<h2::HeadersReceived>(&ev); h && h->kind == h2::HeadersKind::request) {
                at.submit_response(h->stream, kResponse, body.empty());
                if (!body.empty()) at.submit_data(h->stream, body, true);
            } else if (const auto* d = std::get_if<h2::DataReceived>(&ev)) {
                received += d->data.size();
            }
        }
    }
    void pump() {
        for (int i = 0; i < 8 && (client.has_pending_output() || server.has_pending_output()); ++i) {
            move(client, server);
            move(server, client);
        }
    }
    void exchange() {
        client.submit_request(kRequest, true);
        pump();
    }
};

// ---------------------------------------------------------------------------------------
// libnghttp2

struct NgPair {
    nghttp2_session* client = nullptr;
    nghttp2_session* server = nullptr;
    std::size_t body_size;
    std::size_t received = 0;
    std::vector<nghttp2_nv> req, resp;

    static ssize_t read_body(nghttp2_session*, std::int32_t, std::uint8_t* buf, std::size_t len,
                             std::uint32_t* flags, nghttp2_data_source* src, void*) {
        auto* left = static_cast<std::size_t*>(src->ptr);
        const std::size_t n = std::min(len, *left);
        std::memset(buf, 'x', n);
        *left -= n;
        if (*left == 0) {
            *flags |= NGHTTP2_DATA_FLAG_EOF;
            delete left;
        }
        return static_cast<ssize_t>(n);
    }
    static int on_server_frame(nghttp2_session* s, const nghttp2_frame* f, void* user) {
        auto* self = static_cast<NgPair*>(user);
        if (f->hd.type == NGHTTP2_HEADERS && f->headers.cat == NGHTTP2_HCAT_REQUEST) {
            if (self->body_size == 0) {
                nghttp2_submit_response(s, f->hd.stream_id, self->resp.data(), self->resp.size(), nullptr);
            } else {
                nghttp2_data_provider prd{};
                prd.source.ptr = new std::size_t(self->body_size);
                prd.read_callback = read_body;
                nghttp2_submit_response(s, f->hd.stream_id, self->resp.data(), self->resp.size(), &prd);
            }
        }
        return 0;
    }
    static int on_client_data(nghttp2_session*, std::uint8_t, std::int32_t, const std::uint8_t*, std::size_t len,
                              void* user) {
        static_cast<NgPair*>(user)->received += len;
        return 0;
    }
    static nghttp2_nv nv(const h2::hpack::HeaderField& f) {
        return {reinterpret_cast<std::uint8_t*>(const_cast<char*>(f.name.data())),
                reinterpret_cast<std::uint8_t*>(const_cast<char*>(f.value.data())), f.name.size(),
                f.value.size(), NGHTTP2_NV_FLAG_NONE};
    }

    explicit NgPair(std::size_t body) : body_size(body) {
        for (const auto& f : kRequest) req.push_back(nv(f));
        for (const auto& f : kResponse) resp.push_back(nv(f));
        nghttp2_session_callbacks* cb = nullptr;
        nghttp2_session_callbacks_new(&cb);
        nghttp2_session_callbacks_set_on_frame_recv_callback(cb, on_server_frame);
        nghttp2_session_server_new(&server, cb, this);
        nghttp2_session_callbacks_del(cb);
        nghttp2_session_callbacks_new(&cb);
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cb, on_client_data);
        nghttp2_session_client_new(&client, cb, this);
        nghttp2_session_callbacks_del(cb);
        // The same flow-control start as libh2's defaults: a 1 MiB connection window.
        nghttp2_submit_settings(client, 0, nullptr, 0);
        nghttp2_submit_window_update(client, 0, 0, (1 << 20) - 65535);
        nghttp2_submit_settings(server, 0, nullptr, 0);
        nghttp2_submit_window_update(server, 0, 0, (1 << 20) - 65535);
        pump();
    }
    ~NgPair() {
        nghttp2_session_del(client);
        nghttp2_session_del(server);
    }
    static bool move(nghttp2_session* from, nghttp2_session* to) {
        bool moved = false;
        for (;;) {
            const std::uint8_t* p = nullptr;
            const ssize_t n = nghttp2_session_mem_send(from, &p);
            if (n <= 0) return moved;
            nghttp2_session_mem_recv(to, p, static_cast<std::size_t>(n));
            moved = true;
        }
    }
    void pump() {
        for (int i = 0; i < 8; ++i) {
            const bool a = move(client, server);
            const bool b = move(server, client);
            if (!a && !b) break;
        }
    }
    void exchange() {
        nghttp2_submit_request(client, nullptr, req.data(), req.size(), nullptr, nullptr);
        pump();
    }
};

template <class Pair>
void run(benchmark::State& state) {
    Pair pair(static_cast<std::size_t>(state.range(0)));
    for (int i = 0; i < 100; ++i) pair.exchange();  // warm up: tables and buffers at size
    const std::uint64_t before = g_allocations.load();
    for (auto _ : state) pair.exchange();
    const double per = static_cast<double>(g_allocations.load() - before) / static_cast<double>(state.iterations());
    state.counters["allocs/exchange"] = per;
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
    if (pair.received < static_cast<std::size_t>(state.range(0)) * static_cast<std::size_t>(state.iterations())) {
        state.SkipWithError("bodies did not arrive");
    }
}

void BM_Exchange_libh2(benchmark::State& s) { run<Libh2Pair>(s); }
void BM_Exchange_nghttp2(benchmark::State& s) { run<NgPair>(s); }
BENCHMARK(BM_Exchange_libh2)->Arg(0)->Arg(16384);
BENCHMARK(BM_Exchange_nghttp2)->Arg(0)->Arg(16384);

class TableReporter : public benchmark::ConsoleReporter {
public:
    void ReportRuns(const std::vector<Run>& runs) override {
        for (const Run& r : runs) {
            if (r.run_type != Run::RT_Iteration && r.aggregate_name != "median") continue;
            auto& row = rows[r.benchmark_name()];
            row.first = r.GetAdjustedRealTime();
            const auto it = r.counters.find("allocs/exchange");
            if (it != r.counters.end()) row.second = it->second.value;
        }
        ConsoleReporter::ReportRuns(runs);
    }
    std::map<std::string, std::pair<double, double>> rows;  // ns per exchange, allocations
};

}  // namespace

int main(int argc, char** argv) {
    std::string table_path = "engine-bench.md";
    std::vector<char*> args;
    for (int i = 0; i < argc; ++i) {
        const std::string a = argv[i];
        if (a.rfind("--table=", 0) == 0) table_path = a.substr(8);
        else args.push_back(argv[i]);
    }
    int n = static_cast<int>(args.size());
    benchmark::Initialize(&n, args.data());
    TableReporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    benchmark::Shutdown();

    auto find = [&](const std::string& prefix) {
        for (const auto& [k, v] : reporter.rows) {
            if (k.rfind(prefix, 0) == 0) return v;
        }
        return std::pair<double, double>{0, 0};
    };
    std::ostringstream t;
    t.setf(std::ios::fixed);
    t.precision(2);
    t << "\n| exchange (GET, in memory) | libh2 exchanges/s | nghttp2 exchanges/s | libh2 / nghttp2 | libh2 allocs/exchange | nghttp2 allocs/exchange |\n"
      << "|---|---|---|---|---|---|\n";
    for (const char* body : {"0", "16384"}) {
        const auto ours = find(std::string("BM_Exchange_libh2/") + body);
        const auto theirs = find(std::string("BM_Exchange_nghttp2/") + body);
        const double a = ours.first > 0 ? 1e9 / ours.first : 0, b = theirs.first > 0 ? 1e9 / theirs.first : 0;
        t << "| response body " << body << " octets | " << a << " | " << b << " | " << (b > 0 ? a / b : 0)
          << "x | " << ours.second << " | " << theirs.second << " |\n";
    }
    std::cout << t.str();
    std::ofstream(table_path) << t.str();
    std::cout << "table written to " << table_path << "\n";
    return 0;
}
