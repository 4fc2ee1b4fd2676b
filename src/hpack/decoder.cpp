#include "h2/hpack/decoder.hpp"

#include <cstring>

#include "h2/hpack/huffman.hpp"
#include "h2/hpack/integer.hpp"
#include "h2/hpack/static_table.hpp"

namespace h2::hpack {
namespace {

constexpr DecodeResult kOk{};

constexpr DecodeResult compression_error(std::string_view why) { return {DecodeStatus::compression_error, why}; }

constexpr DecodeResult integer_error(IntegerStatus s) {
    return compression_error(s == IntegerStatus::overflow ? "integer too large" : "block ends inside an integer");
}

}  // namespace

struct Decoder::Cursor {
    const std::uint8_t* p;
    const std::uint8_t* end;
    bool seen_field = false;
};

Decoder::Decoder(DecoderLimits limits) noexcept : limits_(limits), table_(limits.max_table_size) {}

void Decoder::set_max_table_size(std::uint32_t n) noexcept {
    limits_.max_table_size = n;
    if (n < table_.max_size()) {
        required_update_ = required_update_ ? std::min(*required_update_, n) : n;
    }
}

DecodeResult Decoder::decode(std::span<const std::uint8_t> block, std::vector<HeaderField>& out) {
    arena_.reset();
    return decode_retaining(block, out);
}

DecodeResult Decoder::decode_retaining(std::span<const std::uint8_t> block, std::vector<HeaderField>& out) {
    list_size_ = 0;
    too_large_ = false;
    const std::size_t first_out = out.size();
    Cursor c{block.data(), block.data() + block.size()};

    // RFC 7541 §4.2: a required size update comes first in the block.
    if (required_update_ && (c.p == c.end || (*c.p & 0xe0) != 0x20)) {
        return compression_error("missing dynamic table size update");
    }
    while (c.p != c.end) {
        const std::uint8_t first = *c.p;
        DecodeResult r = (first & 0xe0) == 0x20 ? size_update(c) : decode_field(c, first, out);
        if (!r.ok()) {
            out.resize(first_out);
            return r;
        }
    }
    if (too_large_) {
        out.resize(first_out);
        return {DecodeStatus::header_list_too_large, "header list larger than the limit"};
    }
    return kOk;
}

// RFC 7541 §6.3.
DecodeResult Decoder::size_update(Cursor& c) {
    if (c.seen_field) return compression_error("dynamic table size update after a field");
    std::uint32_t size = 0;
    if (auto s = decode_integer(c.p, c.end, 5, size); s != IntegerStatus::ok) return integer_error(s);
    if (size > limits_.max_table_size) {
        return compression_error("dynamic table size update above SETTINGS_HEADER_TABLE_SIZE");
    }
    if (required_update_) {
        if (size > *required_update_) {
            return compression_error("dynamic table size update above the smallest setting");
        }
        required_update_.reset();
    }
    table_.set_max_size(size);
    return kOk;
}

// RFC 7541 §5.2.
bool Decoder::read_string(Cursor& c, std::string_view& s, DecodeResult& err) {
    if (c.p == c.end) {
        err = compression_error("block ends before a string");
        return false;
    }
    const bool huffman = (*c.p & 0x80) != 0;
    std::uint32_t len = 0;
    if (auto st = decode_integer(c.p, c.end, 7, len); st != IntegerStatus::ok) {
        err = integer_error(st);
        return false;
    }
    if (len > static_cast<std::size_t>(c.end - c.p)) {
        err = compression_error("string longer than the block");
        return false;
    }
    if (!huffman || len == 0) {
        s = {reinterpret_cast<const char*>(c.p), len};
    } else {
        char* out = arena_.allocate(huffman_max_decoded_size(len));
        char* end = huffman_decode(c.p, len, out);
        if (!end) {
            err = compression_error("invalid Huffman code or padding");
            return false;
        }
        arena_.trim(end);
        s = {out, static_cast<std::size_t>(end - out)};
    }
    c.p += len;
    return true;
}

// Resolves an index (RFC 7541 §2.3.3). Dynamic entries are copied into the arena: an
// insertion later in the same block may overwrite their octets.
bool Decoder::lookup(std::uint32_t index, std::string_view& name, std::string_view* value, DecodeResult& err) {
    if (index == 0) {
        err = compression_error("index 0");
        return false;
    }
    if (index <= static_table_size) {
        name = static_table[index].name;
        if (value) *value = static_table[index].value;
        return true;
    }
    const std::size_t i = index - static_table_size - 1;
    if (i >= table_.count()) {
        err = compression_error("index beyond the dynamic table");
        return false;
    }
    const DynamicTable::Entry e = table_[i];
    const std::size_t n = e.name.size() + (value ? e.value.size() : 0);
    char* p = arena_.allocate(n);
    std::memcpy(p, e.name.data(), e.name.size());
    name = {p, e.name.size()};
    if (value) {
        std::memcpy(p + e.name.size(), e.value.data(), e.value.size());
        *value = {p + e.name.size(), e.value.size()};
    }
    return true;
}

void Decoder::emit(std::string_view name, std::string_view value, bool never_index, std::vector<HeaderField>& out) {
    // RFC 9113 §10.5.1: counted as decoding goes, so an expanding block stops growing the
    // output as soon as it passes the limit.
    list_size_ += field_size(name, value);
    if (list_size_ > limits_.max_header_list_size) too_large_ = true;
    if (!too_large_) out.push_back({name, value, never_index});
}

// RFC 7541 §6.1 and §6.2.
DecodeResult Decoder::decode_field(Cursor& c, std::uint8_t first, std::vector<HeaderField>& out) {
    c.seen_field = true;
    const Arena::Mark mark = arena_.mark();
    DecodeResult err;
    std::string_view name, value;
    std::uint32_t index = 0;

    if (first & 0x80) {  // §6.1 indexed field
        if (auto s = decode_integer(c.p, c.end, 7, index); s != IntegerStatus::ok) {
            return integer_error(s);
        }
        if (!lookup(index, name, &value, err)) return err;
        emit(name, value, false, out);
        if (too_large_) arena_.release(mark);
        return kOk;
    }

    const bool indexing = (first & 0xc0) == 0x40;     // §6.2.1
    const bool never_index = (first & 0xf0) == 0x10;  // §6.2.3
    const unsigned prefix = indexing ? 6 : 4;         // §6.2.2 otherwise
    if (auto s = decode_integer(c.p, c.end, prefix, index); s != IntegerStatus::ok) {
        return integer_error(s);
    }
    if (index != 0) {
        if (!lookup(index, name, nullptr, err)) return err;
    } else if (!read_string(c, name, err)) {
        return err;
    }
    if (!read_string(c, value, err)) return err;
    if (indexing) table_.insert(name, value);
    emit(name, value, never_index, out);
    if (too_large_) arena_.release(mark);
    return kOk;
}

}  // namespace h2::hpack
