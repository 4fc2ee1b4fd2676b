// A user's program: encodes a header list with libh2 and decodes it back.
#include <h2/frame/writer.hpp>
#include <h2/hpack/decoder.hpp>
#include <h2/hpack/encoder.hpp>

#include <cstdio>
#include <vector>

int main() {
    const h2::hpack::HeaderField in[] = {{":method", "GET"}, {":path", "/consumer"}};
    std::vector<std::uint8_t> block;
    h2::hpack::Encoder().encode(in, block);
    std::vector<h2::hpack::HeaderField> out;
    h2::hpack::Decoder decoder;
    if (!decoder.decode(block, out).ok() || out.size() != 2 || out[1].value != "/consumer") return 1;
    std::vector<std::uint8_t> frames;
    h2::frame::write_headers(frames, 1, block, true, h2::frame::default_max_frame_size);
    std::printf("consumer ok: %zu octets\n", frames.size());
    return 0;
}
