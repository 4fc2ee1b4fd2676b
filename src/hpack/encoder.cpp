#include "h2/hpack/encoder.hpp"

#include <algorithm>
#include <cstring>

#include "h2/hpack/hash.hpp"
#include "h2/hpack/huffman.hpp"
#include "h2/hpack/integer.hpp"
#include "h2/hpack/static_table.hpp"

namespace h2::hpack {
namespace {

// The same name hash as the static table's, so one hash serves both lookups.
std::uint32_t hash_name(std::string_view s) noexcept { return hash_string(s); }
std::uint32_t hash_field(std::string_view value, std::uint32_t name_hash) noexcept {
    return hash_string(value, std::uint64_t{name_hash} << 32 | 0x76616c75);
}

std::size_t next_power_of_two(std::size_t n) {
    std::size_t p = 16;
    while (p < n) p *= 2;
    return p;
}

// Fields whose values seldom repeat: indexing them would only evict useful entries. Chosen
// by measurement on the hpack-test-case raw-data stories (bench/core_bench.cpp): indexing
// any of these makes the total larger; indexing `date` and `expires` makes it smaller.
bool rarely_repeats(std::string_view name) noexcept {
    switch (name.size()) {
        case 3:
            return name == "age";
        case 4:
            return name == "etag";
        case 5:
            return name == ":path";  // "/" and "/index.html" are in the static table
        case 8:
            return name == "if-match" || name == "location";
        case 13:
            return name == "last-modified" || name == "content-range" || name == "if-none-match";
        case 14:
            return name == "content-length";
        case 17:
            return name == "if-modified-since";
        case 19:
            return name == "if-unmodified-since";
        default:
            return false;
    }
}

}  // namespace

Indexing choose_indexing(const HeaderField& f, const EncoderOptions& options, std::uint32_t table_max_size) noexcept {
    if (f.never_index) return Indexing::never;
    const std::string_view n = f.name;
    if (n == "authorization" || n == "proxy-authorization" || n == "set-cookie") {
        return Indexing::never;
    }
    if (n == "cookie" && f.value.size() < options.min_indexed_cookie_size) return Indexing::never;
    if (rarely_repeats(n)) return Indexing::without;
    if (field_size(f.name, f.value) > std::size_t{table_max_size} * 3 / 4) return Indexing::without;
    return Indexing::incremental;
}

// The index starts as one empty bucket each (lookups find nothing, without a branch) and
// grows with the number of entries in the table: a connection that never indexes a field (an
// idle one) keeps no tables, and one with a few entries keeps 16 links and 32 buckets (under
// 1 KiB) instead of the 14 KiB a full 4,096-octet table of small entries would need.
Encoder::Encoder(EncoderOptions options)
    : options_(options), table_(std::min(options.max_table_size, default_table_size)), by_full_(1), by_name_(1) {}

// Makes room for `live` entries (the ring holds every live entry, at most half full; two
// buckets per link, so chains stay short) and, when it grew, links every entry of the table
// again, oldest first. Returns whether it did.
bool Encoder::reserve_index(std::size_t live) {
    if (2 * live <= links_.size()) return false;
    const std::size_t ring = next_power_of_two(2 * live);
    links_.assign(ring, Link{});
    link_mask_ = ring - 1;
    by_full_.assign(ring * 2, 0);
    by_name_.assign(ring * 2, 0);
    bucket_mask_ = ring * 2 - 1;
    for (std::uint64_t seq = table_.oldest_sequence(); seq <= table_.newest_sequence(); ++seq) {
        const DynamicTable::Entry e = table_.by_sequence(seq);
        link(seq, e.name, e.value);
    }
    return true;
}

void Encoder::link(std::uint64_t seq, std::string_view name, std::string_view value) {
    const std::uint32_t hn = hash_name(name);
    const std::uint32_t hf = hash_field(value, hn);
    std::uint64_t& full_head = by_full_[hf & bucket_mask_];
    std::uint64_t& name_head = by_name_[hn & bucket_mask_];
    links_[seq & link_mask_] = {hf, hn, full_head, name_head};
    full_head = seq + 1;
    name_head = seq + 1;
}

void Encoder::set_peer_max_table_size(std::uint32_t n) noexcept {
    const std::uint32_t size = std::min(n, options_.max_table_size);
    pending_min_ = update_pending_ ? std::min(pending_min_, size) : size;
    update_pending_ = true;
    // Applied at the start of the next block, after the minimum has been signalled.
    pending_final_ = size;
}

std::uint64_t Encoder::find_full(std::string_view name, std::string_view value, std::uint32_t h) const {
    for (std::uint64_t s = by_full_[h & bucket_mask_]; s > table_.oldest_sequence();) {
        const Link& l = links_[(s - 1) & link_mask_];
        if (l.full_hash == h) {
            const DynamicTable::Entry e = table_.by_sequence(s - 1);
            if (same(e.value, value) && same(e.name, name)) return s;
        }
        s = l.next_full;
    }
    return 0;
}

std::uint64_t Encoder::find_name(std::string_view name, std::uint32_t h) const {
    for (std::uint64_t s = by_name_[h & bucket_mask_]; s > table_.oldest_sequence();) {
        const Link& l = links_[(s - 1) & link_mask_];
        if (l.name_hash == h && same(table_.by_sequence(s - 1).name, name)) return s;
        s = l.next_name;
    }
    return 0;
}

bool Encoder::insert(std::string_view name, std::string_view value) {
    if (!table_.insert(name, value)) return false;
    if (!reserve_index(table_.count())) link(table_.newest_sequence(), name, value);
    return true;
}

std::uint8_t* Encoder::encode_size_updates(std::uint8_t* p) {
    // RFC 7541 §4.2 and §6.3.
    if (pending_min_ < pending_final_) {
        p = encode_integer(p, 0x20, 5, pending_min_);
        table_.set_max_size(pending_min_);
    }
    p = encode_integer(p, 0x20, 5, pending_final_);
    table_.set_max_size(pending_final_);
    update_pending_ = false;
    return p;
}

namespace {

// RFC 7541 §5.2: Huffman only when it is shorter.
std::uint8_t* encode_string(std::uint8_t* p, std::string_view s) {
    const std::size_t huff = huffman_encoded_size(s);
    if (huff < s.size()) {
        p = encode_integer(p, 0x80, 7, static_cast<std::uint32_t>(huff));
        return huffman_encode(s, p);
    }
    p = encode_integer(p, 0x00, 7, static_cast<std::uint32_t>(s.size()));
    if (!s.empty()) std::memcpy(p, s.data(), s.size());
    return p + s.size();
}

}  // namespace

// The index of a field sent indexed from the same memory before, if the entry still holds
// exactly this field; nullptr otherwise (then the full lookup decides).
std::uint8_t* Encoder::encode_remembered(const HeaderField& f, const Remembered& r, std::uint8_t* p) const noexcept {
    if (r.value != f.value.data() || r.value_size != f.value.size()) return nullptr;
    if (r.static_index != 0) {
        const StaticEntry& e = static_table[r.static_index];
        if (!same(e.name, f.name) || !same(e.value, f.value)) return nullptr;
        return encode_integer(p, 0x80, 7, r.static_index);
    }
    // A field marked never-indexed is sent as a literal even when the table has it.
    if (f.never_index || r.sequence < table_.oldest_sequence() || r.sequence > table_.newest_sequence()) {
        return nullptr;
    }
    const DynamicTable::Entry e = table_.by_sequence(r.sequence);
    if (!same(e.value, f.value) || !same(e.name, f.name)) return nullptr;
    return encode_integer(p, 0x80, 7, table_.index_of(r.sequence));
}

std::uint8_t* Encoder::encode_field(const HeaderField& f, Remembered& remember, std::uint8_t* p) {
    if (std::uint8_t* done = encode_remembered(f, remember, p)) return done;
    const std::uint32_t hn = hash_name(f.name);
    const StaticMatch st = find_static(f.name, f.value, hn);
    if (st.full != 0) {
        remember = {f.value.data(), static_cast<std::uint32_t>(f.value.size()), st.full, 0, 0};
        return encode_integer(p, 0x80, 7, st.full);  // §6.1
    }

    Indexing how = choose_indexing(f, options_, table_.max_size());
    if (how != Indexing::never) {
        const std::uint32_t hf = hash_field(f.value, hn);
        if (std::uint64_t s = find_full(f.name, f.value, hf)) {
            remember = {f.value.data(), static_cast<std::uint32_t>(f.value.size()), 0, s - 1, 0};
            return encode_integer(p, 0x80, 7, table_.index_of(s - 1));  // §6.1
        }
        // A field that usually changes (an etag, a content-length) but was just sent as it
        // is: it repeats here (a server sending the same file again), so index it this time.
        // Remembered by its hash and by its place in the block: two such fields whose hashes
        // share a slot would otherwise push each other out and never be indexed.
        std::uint32_t& seen = recent_literals_[hf % recent_literals_.size()];
        if (how == Indexing::without) {
            if ((seen == hf || remember.literal_hash == hf) &&
                field_size(f.name, f.value) <= std::size_t{table_.max_size()} * 3 / 4) {
                how = Indexing::incremental;
            } else {
                seen = hf;
                remember.literal_hash = hf;
            }
        }
    }
    std::uint32_t name_index = st.name;
    if (name_index == 0) {
        if (std::uint64_t s = find_name(f.name, hn)) name_index = table_.index_of(s - 1);
    }
    switch (how) {
        case Indexing::incremental:
            p = encode_integer(p, 0x40, 6, name_index);
            break;
        case Indexing::without:
            p = encode_integer(p, 0x00, 4, name_index);
            break;
        case Indexing::never:
            p = encode_integer(p, 0x10, 4, name_index);
            break;
    }
    if (name_index == 0) p = encode_string(p, f.name);
    p = encode_string(p, f.value);
    if (how == Indexing::incremental && insert(f.name, f.value)) {
        remember = {f.value.data(), static_cast<std::uint32_t>(f.value.size()), 0, table_.newest_sequence(), 0};
    }
    return p;
}

void Encoder::encode(std::span<const HeaderField> fields, std::vector<std::uint8_t>& out) {
    // One resize to an upper bound, then raw writes: a field takes at most its octets plus
    // two integers of 6 octets and one of a name index.
    std::size_t bound = 2 * max_integer_octets;
    for (const HeaderField& f : fields) bound += f.name.size() + f.value.size() + 3 * max_integer_octets;
    const std::size_t start = out.size();
    out.resize(start + bound);
    std::uint8_t* p = out.data() + start;
    if (update_pending_) p = encode_size_updates(p);
    for (std::size_t i = 0; i < fields.size(); ++i) p = encode_field(fields[i], remembered_[i % remembered_.size()], p);
    out.resize(static_cast<std::size_t>(p - out.data()));
}

}  // namespace h2::hpack
