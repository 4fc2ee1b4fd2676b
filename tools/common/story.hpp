// hpack-test-case stories (https://github.com/http2jp/hpack-test-case format): decoding and
// encoding whole stories on one HPACK context, as nghttp2's inflatehd and deflatehd do.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace h2::story {

// A story as JSON (Debian's nlohmann-json3-dev; members keep their order).
using Json = nlohmann::ordered_json;

struct StoryError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

std::vector<std::uint8_t> from_hex(std::string_view hex);  // throws StoryError
std::string to_hex(const std::vector<std::uint8_t>& bytes);

// A case's header list, in order.
std::vector<std::pair<std::string, std::string>> case_headers(const Json& c);
Json headers_value(const std::vector<std::pair<std::string, std::string>>& headers);

// Decodes every case's `wire` in order on one decoder and sets its `headers`. Honours
// `header_table_size` (the SETTINGS value acknowledged before the case). Throws StoryError
// naming the case on malformed input or a decoding error.
void decode_story(Json& story);

// Encodes every case's `headers` on one encoder and sets `wire` and `header_table_size`.
void encode_story(Json& story);

std::string read_file(const std::string& path);  // throws StoryError

}  // namespace h2::story
