#include "story.hpp"

#include <fstream>
#include <sstream>

#include "h2/error.hpp"
#include "h2/hpack/decoder.hpp"
#include "h2/hpack/encoder.hpp"

namespace h2::story {
namespace {

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

void check_cases(const Json& story) {
    if (!story.is_object()) throw StoryError("the story is not a JSON object");
    const auto cases = story.find("cases");
    if (cases == story.end() || !cases->is_array()) throw StoryError("the story has no \"cases\" array");
}

std::string where(std::size_t i) { return "case " + std::to_string(i) + ": "; }

// A case's header_table_size, if it has one that is not null.
bool table_size_of(const Json& c, std::uint32_t& size) {
    const auto v = c.find("header_table_size");
    if (v == c.end() || v->is_null()) return false;
    if (!v->is_number()) throw StoryError("header_table_size is not a number");
    const double d = v->get<double>();
    if (d < 0 || d > 4294967295.0) throw StoryError("header_table_size out of range");
    size = static_cast<std::uint32_t>(d);
    return true;
}

}  // namespace

std::vector<std::uint8_t> from_hex(std::string_view hex) {
    if (hex.size() % 2 != 0) throw StoryError("odd number of hex digits in \"wire\"");
    std::vector<std::uint8_t> out(hex.size() / 2);
    for (std::size_t i = 0; i < out.size(); ++i) {
        const int hi = hex_digit(hex[2 * i]);
        const int lo = hex_digit(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) throw StoryError("non-hex character in \"wire\"");
        out[i] = static_cast<std::uint8_t>(hi * 16 + lo);
    }
    return out;
}

std::string to_hex(const std::vector<std::uint8_t>& bytes) {
    static const char* digits = "0123456789abcdef";
    std::string s;
    s.reserve(bytes.size() * 2);
    for (std::uint8_t b : bytes) {
        s += digits[b >> 4];
        s += digits[b & 0xf];
    }
    return s;
}

std::vector<std::pair<std::string, std::string>> case_headers(const Json& c) {
    const auto headers = c.find("headers");
    if (headers == c.end() || !headers->is_array()) throw StoryError("no \"headers\" array");
    std::vector<std::pair<std::string, std::string>> out;
    for (const Json& h : *headers) {
        if (!h.is_object() || h.size() != 1) throw StoryError("a header must be an object with one member");
        const auto member = h.begin();
        if (!member->is_string()) throw StoryError("a header value must be a string");
        out.emplace_back(member.key(), member->get<std::string>());
    }
    return out;
}

Json headers_value(const std::vector<std::pair<std::string, std::string>>& headers) {
    Json a = Json::array();
    for (const auto& [n, v] : headers) {
        Json field = Json::object();
        field[n] = v;
        a.push_back(std::move(field));
    }
    return a;
}

void decode_story(Json& story) {
    check_cases(story);
    hpack::Decoder decoder(hpack::DecoderLimits{hpack::default_table_size, 0xffffffffu});
    std::vector<hpack::HeaderField> fields;
    std::size_t i = 0;
    for (Json& c : story["cases"]) {
        try {
            if (!c.is_object()) throw StoryError("not an object");
            std::uint32_t size = 0;
            if (table_size_of(c, size)) decoder.set_max_table_size(size);
            const auto wire = c.find("wire");
            if (wire == c.end() || !wire->is_string()) throw StoryError("no \"wire\" string");
            const std::vector<std::uint8_t> block = from_hex(wire->get_ref<const std::string&>());
            fields.clear();
            const hpack::DecodeResult r = decoder.decode(block, fields);
            if (!r.ok()) {
                throw StoryError(std::string(r.status == hpack::DecodeStatus::compression_error
                                                 ? "COMPRESSION_ERROR: "
                                                 : "header list too large: ") +
                                 std::string(r.reason));
            }
            std::vector<std::pair<std::string, std::string>> headers;
            for (const auto& f : fields) headers.emplace_back(f.name, f.value);
            c["headers"] = headers_value(headers);
        } catch (const std::exception& e) {
            throw StoryError(where(i) + e.what());
        }
        ++i;
    }
}

void encode_story(Json& story) {
    check_cases(story);
    hpack::Encoder encoder;
    std::uint32_t table_size = hpack::default_table_size;
    std::vector<std::uint8_t> wire;
    std::vector<hpack::HeaderField> fields;
    std::size_t i = 0;
    for (Json& c : story["cases"]) {
        try {
            if (!c.is_object()) throw StoryError("not an object");
            if (table_size_of(c, table_size)) encoder.set_peer_max_table_size(table_size);
            const auto headers = case_headers(c);
            fields.clear();
            for (const auto& [n, v] : headers) fields.push_back({n, v, false});
            wire.clear();
            encoder.encode(fields, wire);
            Json out = Json::object();
            out["seqno"] = i;
            out["header_table_size"] = table_size;
            out["wire"] = to_hex(wire);
            out["headers"] = headers_value(headers);
            c = std::move(out);
        } catch (const std::exception& e) {
            throw StoryError(where(i) + e.what());
        }
        ++i;
    }
    story["description"] =
        "Encoded by libh2: static and dynamic table indexing, Huffman only when shorter, "
        "never-indexed secrets, no indexing of values that rarely repeat.";
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw StoryError("cannot open " + path);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace h2::story
