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

const json::Value::Array& cases_of(const json::Value& story) {
    if (story.kind() != json::Value::Kind::object) throw StoryError("the story is not a JSON object");
    const json::Value* cases = story.find("cases");
    if (!cases || cases->kind() != json::Value::Kind::array) {
        throw StoryError("the story has no \"cases\" array");
    }
    return cases->as_array();
}

std::string where(std::size_t i) { return "case " + std::to_string(i) + ": "; }

// A case's header_table_size, if it has one that is not null.
bool table_size_of(const json::Value& c, std::uint32_t& size) {
    const json::Value* v = c.find("header_table_size");
    if (!v || v->is_null()) return false;
    const double d = v->as_number();
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

std::vector<std::pair<std::string, std::string>> case_headers(const json::Value& c) {
    const json::Value* headers = c.find("headers");
    if (!headers || headers->kind() != json::Value::Kind::array) {
        throw StoryError("no \"headers\" array");
    }
    std::vector<std::pair<std::string, std::string>> out;
    for (const json::Value& h : headers->as_array()) {
        if (h.kind() != json::Value::Kind::object || h.as_object().size() != 1) {
            throw StoryError("a header must be an object with one member");
        }
        const auto& [name, value] = h.as_object().front();
        if (value.kind() != json::Value::Kind::string) throw StoryError("a header value must be a string");
        out.emplace_back(name, value.as_string());
    }
    return out;
}

json::Value headers_value(const std::vector<std::pair<std::string, std::string>>& headers) {
    json::Value::Array a;
    a.reserve(headers.size());
    for (const auto& [n, v] : headers) a.push_back(json::Value::object({{n, json::Value::string(v)}}));
    return json::Value::array(std::move(a));
}

void decode_story(json::Value& story) {
    cases_of(story);
    hpack::Decoder decoder(hpack::DecoderLimits{hpack::default_table_size, 0xffffffffu});
    std::vector<hpack::HeaderField> fields;
    std::size_t i = 0;
    for (json::Value& c : story["cases"].as_array()) {
        try {
            if (c.kind() != json::Value::Kind::object) throw StoryError("not an object");
            std::uint32_t size = 0;
            if (table_size_of(c, size)) decoder.set_max_table_size(size);
            const json::Value* wire = c.find("wire");
            if (!wire || wire->kind() != json::Value::Kind::string) throw StoryError("no \"wire\" string");
            const std::vector<std::uint8_t> block = from_hex(wire->as_string());
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

void encode_story(json::Value& story) {
    cases_of(story);
    hpack::Encoder encoder;
    std::uint32_t table_size = hpack::default_table_size;
    std::vector<std::uint8_t> wire;
    std::vector<hpack::HeaderField> fields;
    std::size_t i = 0;
    for (json::Value& c : story["cases"].as_array()) {
        try {
            if (c.kind() != json::Value::Kind::object) throw StoryError("not an object");
            if (table_size_of(c, table_size)) encoder.set_peer_max_table_size(table_size);
            const auto headers = case_headers(c);
            fields.clear();
            for (const auto& [n, v] : headers) fields.push_back({n, v, false});
            wire.clear();
            encoder.encode(fields, wire);
            json::Value out = json::Value::object();
            out["seqno"] = json::Value::number(std::to_string(i));
            out["header_table_size"] = json::Value::number(std::to_string(table_size));
            out["wire"] = json::Value::string(to_hex(wire));
            out["headers"] = headers_value(headers);
            c = std::move(out);
        } catch (const std::exception& e) {
            throw StoryError(where(i) + e.what());
        }
        ++i;
    }
    story["description"] = json::Value::string(
        "Encoded by libh2: static and dynamic table indexing, Huffman only when shorter, "
        "never-indexed secrets, no indexing of values that rarely repeat.");
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw StoryError("cannot open " + path);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace h2::story
