// Frame reader: no crash, and the same results whatever the split of the input.
// The first octet picks the chunk size and the max frame size; a leading client
// connection preface (as in the recorded h2spec/nghttp streams) is skipped.
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "h2/frame/reader.hpp"

namespace {

constexpr char kPreface[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

std::string summary(const h2::frame::Frame& f) {
    std::string s = std::to_string(f.index()) + ":" + std::to_string(h2::frame::stream_id_of(f));
    if (auto* d = std::get_if<h2::frame::DataFrame>(&f)) {
        s += ":" + std::string(d->data.begin(), d->data.end());
    } else if (auto* h = std::get_if<h2::frame::HeadersFrame>(&f)) {
        s += ":" + std::string(h->fragment.begin(), h->fragment.end());
    }
    return s;
}

std::vector<std::string> read(const std::uint8_t* data, std::size_t size, std::size_t chunk,
                              std::uint32_t max_frame_size) {
    h2::frame::FrameReader reader(max_frame_size);
    std::vector<std::string> out;
    for (std::size_t at = 0; at < size; at += chunk) {
        std::span<const std::uint8_t> in(data + at, std::min(chunk, size - at));
        for (;;) {
            h2::frame::Frame f;
            h2::ProtocolError e;
            const auto st = reader.next(in, f, e);
            if (st == h2::frame::FrameReader::Status::need_more) break;
            if (st == h2::frame::FrameReader::Status::frame) {
                out.push_back(summary(f));
            } else {
                out.push_back("E" + std::string(e.reason));
                if (e.scope == h2::ErrorScope::connection) return out;
            }
            if (in.empty()) break;
        }
    }
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    const std::size_t chunk = 1 + data[0] % 64;
    const std::uint32_t max_frame_size = (data[0] & 0x80) ? 16384 : 1 << 20;
    ++data;
    --size;
    if (size >= 24 && std::memcmp(data, kPreface, 24) == 0) {
        data += 24;
        size -= 24;
    }
    const auto whole = read(data, size, size ? size : 1, max_frame_size);
    const auto split = read(data, size, chunk, max_frame_size);
    if (whole != split) std::abort();
    return 0;
}
