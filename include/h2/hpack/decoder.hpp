// HPACK decoder (RFC 7541 §3, §6) with the limits of RFC 9113 §6.5.2 and §10.5.1.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "h2/hpack/arena.hpp"
#include "h2/hpack/dynamic_table.hpp"
#include "h2/hpack/field.hpp"

namespace h2::hpack {

struct DecoderLimits {
    // SETTINGS_HEADER_TABLE_SIZE this endpoint advertises (RFC 9113 §6.5.2).
    std::uint32_t max_table_size = default_table_size;
    // SETTINGS_MAX_HEADER_LIST_SIZE this endpoint enforces: name + value + 32 per field.
    std::uint32_t max_header_list_size = 64 * 1024;
};

enum class DecodeStatus : std::uint8_t {
    ok,
    // The decoded list is larger than max_header_list_size. The block was still decoded to
    // the end, so the dynamic table is in sync and the connection can go on: answer the
    // stream with 431 or RST_STREAM. No fields are returned.
    header_list_too_large,
    // The block cannot be decoded (RFC 9113 §4.3: a connection error COMPRESSION_ERROR).
    compression_error,
};

struct DecodeResult {
    DecodeStatus status = DecodeStatus::ok;
    std::string_view reason;  // static text, empty when ok
    bool ok() const noexcept { return status == DecodeStatus::ok; }
};

class Decoder {
public:
    explicit Decoder(DecoderLimits limits = {}) noexcept;

    // Decodes one complete header block and appends its fields to `out`. Field views point
    // into `block`, into the static table or into the decoder's arena, and stay valid until
    // the next decode(). After a compression_error the decoder must not be used again.
    DecodeResult decode(std::span<const std::uint8_t> block, std::vector<HeaderField>& out);

    // Like decode(), but the fields of earlier blocks stay valid too, until reset_arena().
    // The connection decodes all the blocks of one receive() this way.
    DecodeResult decode_retaining(std::span<const std::uint8_t> block, std::vector<HeaderField>& out);
    void reset_arena() noexcept { arena_.reset(); }

    // The SETTINGS_HEADER_TABLE_SIZE value the peer has acknowledged. When it is below
    // the table's current maximum, the next block must begin with a size update no larger
    // than the smallest value set since the previous block (RFC 7541 §4.2).
    void set_max_table_size(std::uint32_t n) noexcept;
    void set_max_header_list_size(std::uint32_t n) noexcept { limits_.max_header_list_size = n; }

    const DynamicTable& table() const noexcept { return table_; }
    // Size (RFC 9113 §6.5.2) of the last decoded list, counted as far as decoding went.
    std::size_t header_list_size() const noexcept { return list_size_; }
    // Octets of decoded strings the decoder keeps for reuse (its arena).
    std::size_t memory_held() const noexcept { return arena_.capacity(); }

private:
    struct Cursor;
    DecodeResult decode_field(Cursor& c, std::uint8_t first, std::vector<HeaderField>& out);
    DecodeResult size_update(Cursor& c);
    bool read_string(Cursor& c, std::string_view& s, DecodeResult& err);
    bool lookup(std::uint32_t index, std::string_view& name, std::string_view* value, DecodeResult& err);
    void emit(std::string_view name, std::string_view value, bool never_index, std::vector<HeaderField>& out);

    DecoderLimits limits_;
    DynamicTable table_;
    Arena arena_{1024};  // decoded strings of the current block (1 KiB blocks: a few request fields)
    std::optional<std::uint32_t> required_update_;  // smallest setting since the last block
    std::size_t list_size_ = 0;
    bool too_large_ = false;
};

}  // namespace h2::hpack
