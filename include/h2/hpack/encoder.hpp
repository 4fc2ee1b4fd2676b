// HPACK encoder (RFC 7541 §6, §7) with an indexing policy.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "h2/hpack/dynamic_table.hpp"
#include "h2/hpack/field.hpp"

namespace h2::hpack {

struct EncoderOptions {
    // The largest dynamic table this encoder uses, whatever the peer allows (memory per
    // connection). The table in use is min(this, the peer's SETTINGS_HEADER_TABLE_SIZE).
    std::uint32_t max_table_size = default_table_size;
    // Cookies shorter than this are sent never-indexed: short values are guessable by the
    // compression-ratio attacks of RFC 7541 §7.1.3.
    std::uint32_t min_indexed_cookie_size = 20;
};

// How a field goes on the wire (RFC 7541 §6.2).
enum class Indexing : std::uint8_t {
    incremental,  // §6.2.1: added to the dynamic table
    without,      // §6.2.2: not added (values that will not repeat)
    never,        // §6.2.3: not added, and intermediaries must not add it either (secrets)
};

// The policy: never for `authorization`, `proxy-authorization`, `set-cookie`, short
// cookies and fields marked never_index; without for fields whose values rarely repeat
// (`:path`, `content-length`, `age`, `location`, `last-modified` and the other validators
// and conditional dates) and for entries larger than 3/4 of the table; incremental
// otherwise (`date` and `expires` included: across one connection they do repeat).
Indexing choose_indexing(const HeaderField& f, const EncoderOptions& options, std::uint32_t table_max_size) noexcept;

class Encoder {
public:
    explicit Encoder(EncoderOptions options = {});

    // The peer's SETTINGS_HEADER_TABLE_SIZE (RFC 9113 §6.5.2), once acknowledged by the
    // local SETTINGS handling. The change is signalled at the start of the next block, with
    // the smallest size of the interval first when it went down and up (RFC 7541 §4.2).
    void set_peer_max_table_size(std::uint32_t n) noexcept;

    // Encodes one header block and appends it to `out`.
    void encode(std::span<const HeaderField> fields, std::vector<std::uint8_t>& out);

    const DynamicTable& table() const noexcept { return table_; }

private:
    // Where fields lately sent indexed lived in the caller's memory, and their index, by the
    // field's place in its block: a server's responses often repeat the same fields in the
    // same order from the same place (a file cache's entry), and then cost a comparison instead
    // of hashing and looking up. Always checked against the table before use.
    struct Remembered {
        const char* value = nullptr;
        std::uint32_t value_size = 0;
        std::uint32_t static_index = 0;  // else the dynamic entry `sequence`
        std::uint64_t sequence = 0;
        std::uint32_t literal_hash = 0;  // of the field last sent here without indexing
    };
    std::uint8_t* encode_field(const HeaderField& f, Remembered& remember, std::uint8_t* p);
    std::uint8_t* encode_size_updates(std::uint8_t* p);
    bool insert(std::string_view name, std::string_view value);  // false: larger than the table
    // Sequence number + 1 of the newest live entry matching (name, value) / name; 0 if none.
    std::uint64_t find_full(std::string_view name, std::string_view value, std::uint32_t h) const;
    std::uint64_t find_name(std::string_view name, std::uint32_t h) const;

    struct Link {
        std::uint32_t full_hash;
        std::uint32_t name_hash;
        std::uint64_t next_full;  // sequence + 1 of the next older entry in the chain, 0 ends
        std::uint64_t next_name;
    };

    EncoderOptions options_;
    DynamicTable table_;
    bool reserve_index(std::size_t live);
    void link(std::uint64_t seq, std::string_view name, std::string_view value);

    std::vector<Link> links_;             // ring indexed by sequence & link_mask_ (grows with the table)
    std::vector<std::uint64_t> by_full_;  // bucket -> sequence + 1 of the newest entry
    std::vector<std::uint64_t> by_name_;
    std::uint64_t link_mask_ = 0;
    std::uint64_t bucket_mask_ = 0;
    // Hashes of fields lately sent without indexing (a repeat gets indexed).
    std::array<std::uint32_t, 64> recent_literals_{};
    std::array<Remembered, 8> remembered_{};
    std::uint8_t* encode_remembered(const HeaderField& f, const Remembered& r, std::uint8_t* p) const noexcept;
    std::uint32_t pending_min_ = 0;
    std::uint32_t pending_final_ = 0;
    bool update_pending_ = false;
};

}  // namespace h2::hpack
