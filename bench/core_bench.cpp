// HPACK and frame-reader benchmarks: libh2 and libnghttp2 in one binary, on the same data.
//
//   decode: every raw-data story of hpack-test-case, encoded once by nghttp2's deflater, then
//           decoded by each library (a fresh context per story, as on a new connection);
//   encode: every raw-data story encoded by each library (fresh context per story);
//   frame reader: a byte stream of typical frames, read whole and in 1,400-octet segments.
//
// After the Google Benchmark output, prints a markdown table with the ratios and the total
// encoded size of both encoders, and writes it to the path given by --table=FILE
// (default: hpack-bench.md in the working directory).
#include <benchmark/benchmark.h>
#include <nghttp2/nghttp2.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "h2/frame/reader.hpp"
#include "h2/frame/writer.hpp"
#include "h2/hpack/decoder.hpp"
#include "h2/hpack/encoder.hpp"
#include "story.hpp"
#include "table_reporter.hpp"

namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Corpus {
    std::vector<std::vector<Headers>> stories;                  // raw-data
    std::vector<std::vector<std::vector<std::uint8_t>>> wires;  // nghttp2-encoded
    std::size_t header_count = 0;
    std::size_t wire_bytes = 0;
    std::size_t ours_encoded = 0;
    std::size_t nghttp2_encoded = 0;
};

std::vector<std::uint8_t> nghttp2_encode(nghttp2_hd_deflater* d, const Headers& h) {
    std::vector<nghttp2_nv> nva;
    for (const auto& [n, v] : h) {
        nva.push_back({reinterpret_cast<std::uint8_t*>(const_cast<char*>(n.data())),
                       reinterpret_cast<std::uint8_t*>(const_cast<char*>(v.data())), n.size(), v.size(),
                       NGHTTP2_NV_FLAG_NONE});
    }
    std::vector<std::uint8_t> out(nghttp2_hd_deflate_bound(d, nva.data(), nva.size()));
    const auto n = nghttp2_hd_deflate_hd(d, out.data(), out.size(), nva.data(), nva.size());
    if (n < 0) throw std::runtime_error("nghttp2_hd_deflate_hd failed");
    out.resize(static_cast<std::size_t>(n));
    return out;
}

const Corpus& corpus() {
    static const Corpus c = [] {
        Corpus k;
        const auto dir = std::filesystem::path(LIBH2_SHARED_DIR) / "hpack-test-case" / "raw-data";
        std::vector<std::filesystem::path> files;
        for (const auto& f : std::filesystem::directory_iterator(dir)) files.push_back(f.path());
        std::sort(files.begin(), files.end());
        for (const auto& f : files) {
            const auto story = h2::story::Json::parse(h2::story::read_file(f.string()));
            std::vector<Headers> lists;
            for (const auto& cs : story.at("cases")) lists.push_back(h2::story::case_headers(cs));
            nghttp2_hd_deflater* d = nullptr;
            nghttp2_hd_deflate_new(&d, 4096);
            h2::hpack::Encoder ours;
            std::vector<std::vector<std::uint8_t>> wires;
            for (const auto& h : lists) {
                wires.push_back(nghttp2_encode(d, h));
                k.wire_bytes += wires.back().size();
                k.nghttp2_encoded += wires.back().size();
                k.header_count += h.size();
                std::vector<h2::hpack::HeaderField> fields;
                for (const auto& [n, v] : h) fields.push_back({n, v});
                std::vector<std::uint8_t> mine;
                ours.encode(fields, mine);
                k.ours_encoded += mine.size();
            }
            nghttp2_hd_deflate_del(d);
            k.stories.push_back(std::move(lists));
            k.wires.push_back(std::move(wires));
        }
        if (k.stories.empty()) throw std::runtime_error("no raw-data stories in " + dir.string());
        return k;
    }();
    return c;
}

void set_counters(benchmark::State& state) {
    const Corpus& c = corpus();
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * c.header_count));
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * c.wire_bytes));
}

void BM_HpackDecode_libh2(benchmark::State& state) {
    const Corpus& c = corpus();
    std::vector<h2::hpack::HeaderField> out;
    for (auto _ : state) {
        std::size_t sum = 0;
        for (const auto& story : c.wires) {
            h2::hpack::Decoder d;
            for (const auto& block : story) {
                out.clear();
                if (!d.decode(block, out).ok()) state.SkipWithError("decode failed");
                for (const auto& f : out) sum += f.name.size() + f.value.size();
            }
        }
        benchmark::DoNotOptimize(sum);
    }
    set_counters(state);
}

void BM_HpackDecode_nghttp2(benchmark::State& state) {
    const Corpus& c = corpus();
    for (auto _ : state) {
        std::size_t sum = 0;
        for (const auto& story : c.wires) {
            nghttp2_hd_inflater* inf = nullptr;
            nghttp2_hd_inflate_new(&inf);
            for (const auto& block : story) {
                const std::uint8_t* in = block.data();
                std::size_t left = block.size();
                for (;;) {
                    nghttp2_nv nv;
                    int flags = 0;
                    const ssize_t n = nghttp2_hd_inflate_hd2(inf, &nv, &flags, in, left, 1);
                    if (n < 0) {
                        state.SkipWithError("nghttp2 decode failed");
                        break;
                    }
                    in += n;
                    left -= static_cast<std::size_t>(n);
                    if (flags & NGHTTP2_HD_INFLATE_EMIT) sum += nv.namelen + nv.valuelen;
                    if (flags & NGHTTP2_HD_INFLATE_FINAL) break;
                }
                nghttp2_hd_inflate_end_headers(inf);
            }
            nghttp2_hd_inflate_del(inf);
        }
        benchmark::DoNotOptimize(sum);
    }
    set_counters(state);
}

void BM_HpackEncode_libh2(benchmark::State& state) {
    const Corpus& c = corpus();
    // Field views prepared once, as an application holding its headers would have them.
    std::vector<std::vector<std::vector<h2::hpack::HeaderField>>> all;
    for (const auto& story : c.stories) {
        auto& s = all.emplace_back();
        for (const auto& h : story) {
            auto& l = s.emplace_back();
            for (const auto& [n, v] : h) l.push_back({n, v});
        }
    }
    std::vector<std::uint8_t> out;
    out.reserve(64 * 1024);
    for (auto _ : state) {
        std::size_t total = 0;
        for (const auto& story : all) {
            h2::hpack::Encoder e;
            for (const auto& fields : story) {
                out.clear();
                e.encode(fields, out);
                total += out.size();
            }
        }
        benchmark::DoNotOptimize(total);
    }
    set_counters(state);
}

void BM_HpackEncode_nghttp2(benchmark::State& state) {
    const Corpus& c = corpus();
    std::vector<std::vector<std::vector<nghttp2_nv>>> all;
    for (const auto& story : c.stories) {
        auto& s = all.emplace_back();
        for (const auto& h : story) {
            auto& l = s.emplace_back();
            for (const auto& [n, v] : h) {
                l.push_back({reinterpret_cast<std::uint8_t*>(const_cast<char*>(n.data())),
                             reinterpret_cast<std::uint8_t*>(const_cast<char*>(v.data())), n.size(), v.size(),
                             NGHTTP2_NV_FLAG_NONE});
            }
        }
    }
    std::vector<std::uint8_t> out(64 * 1024);
    for (auto _ : state) {
        std::size_t total = 0;
        for (const auto& story : all) {
            nghttp2_hd_deflater* d = nullptr;
            nghttp2_hd_deflate_new(&d, 4096);
            for (const auto& nva : story) {
                const auto n = nghttp2_hd_deflate_hd(d, out.data(), out.size(), nva.data(), nva.size());
                if (n < 0) state.SkipWithError("nghttp2 encode failed");
                total += static_cast<std::size_t>(n);
            }
            nghttp2_hd_deflate_del(d);
        }
        benchmark::DoNotOptimize(total);
    }
    set_counters(state);
}

// A stream of frames as a busy server reads it: requests (HEADERS), small uploads, pings,
// window updates, and some 16 KiB DATA.
const std::vector<std::uint8_t>& frame_stream() {
    static const std::vector<std::uint8_t> s = [] {
        h2::frame::Buffer b;
        const std::vector<std::uint8_t> block(60, 0x82), small(100, 'd'), big(16384, 'D');
        for (std::uint32_t id = 1; id < 2000; id += 2) {
            h2::frame::write_headers(b, id, block, id % 3 != 0, 16384);
            if (id % 3 == 0) h2::frame::write_data(b, id, small, true);
            if (id % 7 == 0) h2::frame::write_window_update(b, 0, 65536);
            if (id % 11 == 0) h2::frame::write_ping(b, {1, 2, 3, 4, 5, 6, 7, 8}, false);
            if (id % 13 == 0) h2::frame::write_data(b, id + 2, big, false);
        }
        return b;
    }();
    return s;
}

void frame_reader_bench(benchmark::State& state, std::size_t segment) {
    const auto& s = frame_stream();
    std::size_t frames = 0;
    for (auto _ : state) {
        h2::frame::FrameReader reader;
        for (std::size_t at = 0; at < s.size(); at += segment) {
            std::span<const std::uint8_t> in(s.data() + at, std::min(segment, s.size() - at));
            h2::frame::Frame f;
            h2::ProtocolError e;
            while (reader.next(in, f, e) == h2::frame::FrameReader::Status::frame) {
                ++frames;
                benchmark::DoNotOptimize(f);
            }
        }
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * s.size()));
    state.counters["frames/s"] = benchmark::Counter(static_cast<double>(frames), benchmark::Counter::kIsRate);
}

void BM_FrameReader_Whole(benchmark::State& state) { frame_reader_bench(state, frame_stream().size()); }
void BM_FrameReader_Segments1400(benchmark::State& state) { frame_reader_bench(state, 1400); }

BENCHMARK(BM_HpackDecode_libh2);
BENCHMARK(BM_HpackDecode_nghttp2);
BENCHMARK(BM_HpackEncode_libh2);
BENCHMARK(BM_HpackEncode_nghttp2);
BENCHMARK(BM_FrameReader_Whole);
BENCHMARK(BM_FrameReader_Segments1400);

}  // namespace

int main(int argc, char** argv) {
    return h2::bench::run_and_tabulate(argc, argv, "hpack-bench.md", [](const h2::bench::TableReporter& r) {
        const Corpus& c = corpus();
        auto ms = [&](const std::string& name) { return r.find(name).ns / 1e6; };
        std::ostringstream t;
        t.setf(std::ios::fixed);
        t.precision(3);
        t << "\n| benchmark (" << c.stories.size() << " raw-data stories, " << c.header_count
          << " header fields) | libh2 | nghttp2 | libh2 speed vs nghttp2 |\n|---|---|---|---|\n";
        for (const char* what : {"HpackDecode", "HpackEncode"}) {
            const double ours = ms(std::string("BM_") + what + "_libh2");
            const double theirs = ms(std::string("BM_") + what + "_nghttp2");
            t << "| " << what << " (ms per pass) | " << ours << " | " << theirs << " | "
              << (ours > 0 ? theirs / ours : 0) << "x |\n";
        }
        t << "| encoded size of all stories (octets) | " << c.ours_encoded << " | " << c.nghttp2_encoded << " | "
          << static_cast<double>(c.ours_encoded) / static_cast<double>(c.nghttp2_encoded) << " of nghttp2's size |\n";
        for (const char* what : {"BM_FrameReader_Whole", "BM_FrameReader_Segments1400"}) {
            const auto row = r.find(what);
            if (row.ns > 0) {
                t << "| " << (what + 3) << " (million frames/s) | " << row.counters.at("frames/s") / 1e6
                  << " | - | - |\n";
            }
        }
        return t.str();
    });
}
