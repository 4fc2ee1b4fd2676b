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
#include "table_reporter.hpp"

// ---------------------------------------------------------------------------------------
// Counting allocator

static std::atomic<std::uint64_t> g_allocations{0};

// nghttp2 allocates with malloc, through this hook when given one (nghttp2_mem).
static void* ng_malloc(std::size_t n, void*) {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    return std::malloc(n);
}
static void ng_free(void* p, void*) { std::free(p); }
static void* ng_calloc(std::size_t n, std::size_t m, void*) {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    return std::calloc(n, m);
}
static void* ng_realloc(void* p, std::size_t n, void*) {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    return std::realloc(p, n);
}
static nghttp2_mem g_ng_mem{nullptr, ng_malloc, ng_free, ng_calloc, ng_realloc};

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

const h2::hpack::HeaderField kRequest[] = {{":method", "GET"},          {":scheme", "https"},
                                           {":path", "/index.html"},    {":authority", "example.org"},
                                           {"user-agent", "bench/1.0"}, {"accept", "*/*"}};
const h2::hpack::HeaderField kResponse[] = {{":status", "200"}, {"content-type", "text/html"}, {"server", "libh2"}};

// ---------------------------------------------------------------------------------------
// libh2

struct Libh2Pair {
    h2::Connection client = h2::Connection::client();
    h2::Connection server = h2::Connection::server();
    std::vector<h2::Event> events;
    std::vector<std::uint8_t> body;
    std::size_t received = 0;
    // Zero-copy mode: bodies go out through reserve_data(): the application writes each
    // DATA frame's octets once, next to the header, as nghttp2's data provider does.
    bool zero_copy = false;
    std::vector<std::pair<h2::StreamId, std::size_t>> bodies;  // stream, octets left
    std::vector<std::uint8_t> wire;

    explicit Libh2Pair(std::size_t body_size, bool reserve = false) : body(body_size, 'x'), zero_copy(reserve) {
        pump();
    }

    // Server bodies through reservations, straight to the client.
    void send_reserved() {
        for (auto& [id, left] : bodies) {
            while (left > 0) {
                const auto r = server.reserve_data(id, static_cast<std::uint32_t>(left), true).value;
                if (r.length == 0) break;
                wire.assign(r.header.begin(), r.header.end());
                wire.resize(wire.size() + r.length, 'x');  // the application's single write
                left -= r.length;
                events.clear();
                client.receive(wire, events);
                handle(client);
            }
        }
        std::erase_if(bodies, [](const auto& b) { return b.second == 0; });
    }

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
                if (body.empty()) continue;
                if (zero_copy) bodies.emplace_back(h->stream, body.size());
                else at.submit_data(h->stream, body, true);
            } else if (const auto* d = std::get_if<h2::DataReceived>(&ev)) {
                received += d->data.size();
            }
        }
    }
    void pump() {
        for (int i = 0; i < 8 && (client.has_pending_output() || server.has_pending_output() || !bodies.empty()); ++i) {
            move(client, server);
            move(server, client);
            if (!bodies.empty()) send_reserved();
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

    static ssize_t read_body(nghttp2_session*, std::int32_t, std::uint8_t* buf, std::size_t len, std::uint32_t* flags,
                             nghttp2_data_source* src, void*) {
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
                reinterpret_cast<std::uint8_t*>(const_cast<char*>(f.value.data())), f.name.size(), f.value.size(),
                NGHTTP2_NV_FLAG_NONE};
    }

    explicit NgPair(std::size_t body) : body_size(body) {
        for (const auto& f : kRequest) req.push_back(nv(f));
        for (const auto& f : kResponse) resp.push_back(nv(f));
        nghttp2_session_callbacks* cb = nullptr;
        nghttp2_session_callbacks_new(&cb);
        nghttp2_session_callbacks_set_on_frame_recv_callback(cb, on_server_frame);
        nghttp2_session_server_new3(&server, cb, this, nullptr, &g_ng_mem);
        nghttp2_session_callbacks_del(cb);
        nghttp2_session_callbacks_new(&cb);
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cb, on_client_data);
        nghttp2_session_client_new3(&client, cb, this, nullptr, &g_ng_mem);
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
Pair make(std::size_t body, bool reserve) {
    if constexpr (std::is_same_v<Pair, Libh2Pair>) return Pair(body, reserve);
    else return Pair(body);
}

template <class Pair, bool Reserve = false>
void run(benchmark::State& state) {
    Pair pair = make<Pair>(static_cast<std::size_t>(state.range(0)), Reserve);
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
void BM_Exchange_libh2_reserve(benchmark::State& s) { run<Libh2Pair, true>(s); }
void BM_Exchange_nghttp2(benchmark::State& s) { run<NgPair>(s); }
BENCHMARK(BM_Exchange_libh2)->Arg(0)->Arg(16384);
BENCHMARK(BM_Exchange_libh2_reserve)->Arg(16384);
BENCHMARK(BM_Exchange_nghttp2)->Arg(0)->Arg(16384);

}  // namespace

// Exactly `n` exchanges, for callgrind: valgrind --tool=callgrind --toggle-collect='*run_fixed*'
//   h2_bench_engine --fixed=libh2|nghttp2 --body=N --exchanges=N
template <class Pair>
__attribute__((noinline)) std::size_t run_fixed(Pair& pair, int n) {
    for (int i = 0; i < n; ++i) pair.exchange();
    return pair.received;
}

int fixed_mode(const std::string& impl, std::size_t body, int n) {
    if (impl == "libh2") {
        Libh2Pair p(body);
        for (int i = 0; i < 100; ++i) p.exchange();
        std::cout << run_fixed(p, n) << "\n";
    } else {
        NgPair p(body);
        for (int i = 0; i < 100; ++i) p.exchange();
        std::cout << run_fixed(p, n) << "\n";
    }
    return 0;
}

int main(int argc, char** argv) {
    std::string fixed;
    std::size_t body = 0;
    int exchanges = 10000;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a.rfind("--fixed=", 0) == 0) fixed = a.substr(8);
        if (a.rfind("--body=", 0) == 0) body = std::stoul(a.substr(7));
        if (a.rfind("--exchanges=", 0) == 0) exchanges = std::stoi(a.substr(12));
    }
    if (!fixed.empty()) return fixed_mode(fixed, body, exchanges);
    return h2::bench::run_and_tabulate(argc, argv, "engine-bench.md", [](const h2::bench::TableReporter& r) {
        std::ostringstream t;
        t.setf(std::ios::fixed);
        t.precision(2);
        t << "\n| exchange (GET, in memory) | libh2 exchanges/s | nghttp2 exchanges/s | libh2 / nghttp2 | libh2 "
             "allocs/exchange | nghttp2 allocs/exchange |\n"
          << "|---|---|---|---|---|---|\n";
        const std::pair<const char*, const char*> rows[] = {
            {"BM_Exchange_libh2/0", "response body 0 octets"},
            {"BM_Exchange_libh2/16384", "response body 16384 octets, submit_data (buffered)"},
            {"BM_Exchange_libh2_reserve/16384", "response body 16384 octets, reserve_data (written once)"}};
        for (const auto& [name, label] : rows) {
            const std::string size = std::string(name).substr(std::string(name).find('/'));
            const auto ours = r.find(name), theirs = r.find("BM_Exchange_nghttp2" + size);
            const double a = ours.ns > 0 ? 1e9 / ours.ns : 0, b = theirs.ns > 0 ? 1e9 / theirs.ns : 0;
            auto allocs = [](const h2::bench::TableReporter::Row& row) {
                const auto it = row.counters.find("allocs/exchange");
                return it == row.counters.end() ? 0.0 : it->second;
            };
            t << "| " << label << " | " << a << " | " << b << " | " << (b > 0 ? a / b : 0) << "x | " << allocs(ours)
              << " | " << allocs(theirs) << " |\n";
        }
        return t.str();
    });
}
