// HPACK encoder -> decoder: whatever the header lists and table size changes, the decoder
// gets back the names and values that were encoded.
//
// Input: lists separated by 0xff; in a list, fields separated by 0xfe and name from value by
// 0xfd. A list starting with 0xfc sets the peer's table size from its next octet.
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "h2/hpack/decoder.hpp"
#include "h2/hpack/encoder.hpp"

namespace {

std::vector<std::string_view> split(std::string_view s, char sep) {
    std::vector<std::string_view> out;
    for (;;) {
        const std::size_t k = s.find(sep);
        out.push_back(s.substr(0, k));
        if (k == std::string_view::npos) return out;
        s.remove_prefix(k + 1);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    h2::hpack::Encoder encoder;
    h2::hpack::Decoder decoder(h2::hpack::DecoderLimits{4096, 1u << 30});
    std::vector<h2::hpack::HeaderField> fields, decoded;
    std::vector<std::uint8_t> block;
    for (std::string_view list : split(input, '\xff')) {
        if (list.size() >= 2 && list[0] == '\xfc') {
            const std::uint32_t s = static_cast<std::uint8_t>(list[1]) * 20u;
            encoder.set_peer_max_table_size(s);
            decoder.set_max_table_size(s);
            list.remove_prefix(2);
        }
        fields.clear();
        for (std::string_view f : split(list, '\xfe')) {
            const std::size_t k = f.find('\xfd');
            fields.push_back(
                {f.substr(0, k), k == std::string_view::npos ? "" : f.substr(k + 1), !f.empty() && f[0] == 'n'});
        }
        block.clear();
        encoder.encode(fields, block);
        decoded.clear();
        if (!decoder.decode(block, decoded).ok()) std::abort();
        // Names and values come back as they were; a field marked never-indexed stays so
        // (the policy may add the mark, e.g. on short cookies, but never drop it).
        if (decoded.size() != fields.size()) std::abort();
        for (std::size_t i = 0; i < fields.size(); ++i) {
            if (decoded[i].name != fields[i].name || decoded[i].value != fields[i].value) std::abort();
            if (fields[i].never_index && !decoded[i].never_index) std::abort();
        }
    }
    return 0;
}
