// HPACK decoder: no crash, limits hold, on any input. The first two octets choose the table
// size setting and the header list limit; the rest is split into two blocks decoded on one
// context (the second sees the table the first built).
#include <cstdlib>
#include <vector>

#include "h2/hpack/decoder.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 3) return 0;
    const std::uint32_t table = data[0] * 64u;
    const std::uint32_t list_limit = 256u + data[1] * 256u;
    const std::size_t cut = data[2] % (size - 2);
    data += 3;
    size -= 3;
    h2::hpack::Decoder decoder(h2::hpack::DecoderLimits{table, list_limit});
    std::vector<h2::hpack::HeaderField> out;
    for (std::span<const std::uint8_t> block : {std::span(data, cut), std::span(data + cut, size - cut)}) {
        out.clear();
        const auto r = decoder.decode(block, out);
        if (r.status == h2::hpack::DecodeStatus::compression_error) return 0;
        if (r.ok() && decoder.header_list_size() > list_limit) std::abort();
        if (!r.ok() && !out.empty()) std::abort();
        if (decoder.table().size() > decoder.table().max_size()) std::abort();
        if (decoder.table().max_size() > table) std::abort();
    }
    return 0;
}
