#include "json.hpp"

#include <cstdlib>

namespace h2::json {

Value Value::boolean(bool b) {
    Value v;
    v.kind_ = Kind::boolean;
    v.bool_ = b;
    return v;
}
Value Value::number(std::string text) {
    Value v;
    v.kind_ = Kind::number;
    v.text_ = std::move(text);
    return v;
}
Value Value::string(std::string s) {
    Value v;
    v.kind_ = Kind::string;
    v.text_ = std::move(s);
    return v;
}
Value Value::array(Array a) {
    Value v;
    v.kind_ = Kind::array;
    v.array_ = std::make_shared<Array>(std::move(a));
    return v;
}
Value Value::object(Object o) {
    Value v;
    v.kind_ = Kind::object;
    v.object_ = std::make_shared<Object>(std::move(o));
    return v;
}

namespace {
[[noreturn]] void type_error(const char* want) { throw ParseError(std::string("expected ") + want); }
}  // namespace

bool Value::as_bool() const {
    if (kind_ != Kind::boolean) type_error("a boolean");
    return bool_;
}
double Value::as_number() const {
    if (kind_ != Kind::number) type_error("a number");
    return std::strtod(text_.c_str(), nullptr);
}
const std::string& Value::as_string() const {
    if (kind_ != Kind::string && kind_ != Kind::number) type_error("a string");
    return text_;
}
const Value::Array& Value::as_array() const {
    if (kind_ != Kind::array) type_error("an array");
    return *array_;
}
Value::Array& Value::as_array() {
    if (kind_ != Kind::array) type_error("an array");
    return *array_;
}
const Value::Object& Value::as_object() const {
    if (kind_ != Kind::object) type_error("an object");
    return *object_;
}
Value::Object& Value::as_object() {
    if (kind_ != Kind::object) type_error("an object");
    return *object_;
}
const Value* Value::find(std::string_view key) const {
    for (const auto& [k, v] : as_object()) {
        if (k == key) return &v;
    }
    return nullptr;
}
Value& Value::operator[](std::string_view key) {
    for (auto& [k, v] : as_object()) {
        if (k == key) return v;
    }
    return as_object().emplace_back(std::string(key), Value()).second;
}

namespace {

class Parser {
public:
    explicit Parser(std::string_view s) : s_(s) {}

    Value document() {
        Value v = value();
        skip_ws();
        if (i_ != s_.size()) fail("trailing characters after the document");
        return v;
    }

private:
    [[noreturn]] void fail(const std::string& what) const {
        std::size_t line = 1, col = 1;
        for (std::size_t k = 0; k < i_ && k < s_.size(); ++k) {
            if (s_[k] == '\n') {
                ++line;
                col = 1;
            } else {
                ++col;
            }
        }
        throw ParseError("JSON error at line " + std::to_string(line) + ", column " + std::to_string(col) + ": " +
                         what);
    }
    void skip_ws() {
        while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\r' || s_[i_] == '\t')) ++i_;
    }
    bool eat(char c) {
        skip_ws();
        if (i_ < s_.size() && s_[i_] == c) {
            ++i_;
            return true;
        }
        return false;
    }
    void expect(char c) {
        if (!eat(c)) fail(std::string("expected '") + c + "'");
    }
    bool literal(std::string_view word) {
        if (s_.substr(i_, word.size()) != word) return false;
        i_ += word.size();
        return true;
    }

    Value value() {
        if (++depth_ > 200) fail("nesting too deep");
        skip_ws();
        if (i_ >= s_.size()) fail("unexpected end of input");
        Value v;
        const char c = s_[i_];
        if (c == '{') {
            v = object();
        } else if (c == '[') {
            v = array();
        } else if (c == '"') {
            v = Value::string(string());
        } else if (literal("true")) {
            v = Value::boolean(true);
        } else if (literal("false")) {
            v = Value::boolean(false);
        } else if (literal("null")) {
            v = Value();
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            v = number();
        } else {
            fail("unexpected character");
        }
        --depth_;
        return v;
    }

    Value object() {
        ++i_;
        Value::Object members;
        if (eat('}')) return Value::object(std::move(members));
        do {
            skip_ws();
            if (i_ >= s_.size() || s_[i_] != '"') fail("expected a member name");
            std::string key = string();
            expect(':');
            members.emplace_back(std::move(key), value());
        } while (eat(','));
        expect('}');
        return Value::object(std::move(members));
    }

    Value array() {
        ++i_;
        Value::Array items;
        if (eat(']')) return Value::array(std::move(items));
        do {
            items.push_back(value());
        } while (eat(','));
        expect(']');
        return Value::array(std::move(items));
    }

    Value number() {
        const std::size_t start = i_;
        if (s_[i_] == '-') ++i_;
        auto digits = [&] {
            const std::size_t d = i_;
            while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') ++i_;
            if (i_ == d) fail("malformed number");
        };
        digits();
        if (i_ < s_.size() && s_[i_] == '.') {
            ++i_;
            digits();
        }
        if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
            ++i_;
            if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) ++i_;
            digits();
        }
        return Value::number(std::string(s_.substr(start, i_ - start)));
    }

    unsigned hex4() {
        if (i_ + 4 > s_.size()) fail("truncated \\u escape");
        unsigned v = 0;
        for (int k = 0; k < 4; ++k) {
            const char c = s_[i_++];
            v <<= 4;
            if (c >= '0' && c <= '9') v |= static_cast<unsigned>(c - '0');
            else if (c >= 'a' && c <= 'f') v |= static_cast<unsigned>(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F') v |= static_cast<unsigned>(c - 'A' + 10);
            else fail("bad hex digit in \\u escape");
        }
        return v;
    }

    static void put_utf8(std::string& out, unsigned cp) {
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xc0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3f));
        } else if (cp < 0x10000) {
            out += static_cast<char>(0xe0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
            out += static_cast<char>(0x80 | (cp & 0x3f));
        } else {
            out += static_cast<char>(0xf0 | (cp >> 18));
            out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
            out += static_cast<char>(0x80 | (cp & 0x3f));
        }
    }

    std::string string() {
        ++i_;  // opening quote
        std::string out;
        for (;;) {
            if (i_ >= s_.size()) fail("unterminated string");
            const char c = s_[i_++];
            if (c == '"') return out;
            if (static_cast<unsigned char>(c) < 0x20) fail("control character in a string");
            if (c != '\\') {
                out += c;
                continue;
            }
            if (i_ >= s_.size()) fail("unterminated escape");
            switch (const char e = s_[i_++]) {
                case '"':
                    out += '"';
                    break;
                case '\\':
                    out += '\\';
                    break;
                case '/':
                    out += '/';
                    break;
                case 'b':
                    out += '\b';
                    break;
                case 'f':
                    out += '\f';
                    break;
                case 'n':
                    out += '\n';
                    break;
                case 'r':
                    out += '\r';
                    break;
                case 't':
                    out += '\t';
                    break;
                case 'u': {
                    unsigned cp = hex4();
                    if (cp >= 0xd800 && cp < 0xdc00 && s_.substr(i_, 2) == "\\u") {
                        i_ += 2;
                        const unsigned lo = hex4();
                        if (lo < 0xdc00 || lo > 0xdfff) fail("bad surrogate pair");
                        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                    }
                    put_utf8(out, cp);
                    break;
                }
                default:
                    (void)e;
                    fail("unknown escape");
            }
        }
    }

    std::string_view s_;
    std::size_t i_ = 0;
    int depth_ = 0;
};

void write_string(std::string& out, const std::string& s) {
    static const char* hex = "0123456789abcdef";
    out += '"';
    for (unsigned char c : s) {
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                if (c < 0x20 || c == 0x7f) {
                    out += "\\u00";
                    out += hex[c >> 4];
                    out += hex[c & 0xf];
                } else {
                    out += static_cast<char>(c);
                }
        }
    }
    out += '"';
}

void write_value(std::string& out, const Value& v, int indent) {
    const std::string pad(static_cast<std::size_t>(indent + 2), ' ');
    const std::string close(static_cast<std::size_t>(indent), ' ');
    switch (v.kind()) {
        case Value::Kind::null:
            out += "null";
            break;
        case Value::Kind::boolean:
            out += v.as_bool() ? "true" : "false";
            break;
        case Value::Kind::number:
            out += v.as_string();
            break;
        case Value::Kind::string:
            write_string(out, v.as_string());
            break;
        case Value::Kind::array: {
            const auto& a = v.as_array();
            if (a.empty()) {
                out += "[]";
                break;
            }
            out += "[\n";
            for (std::size_t k = 0; k < a.size(); ++k) {
                out += pad;
                write_value(out, a[k], indent + 2);
                out += k + 1 < a.size() ? ",\n" : "\n";
            }
            out += close + "]";
            break;
        }
        case Value::Kind::object: {
            const auto& o = v.as_object();
            if (o.empty()) {
                out += "{}";
                break;
            }
            out += "{\n";
            for (std::size_t k = 0; k < o.size(); ++k) {
                out += pad;
                write_string(out, o[k].first);
                out += ": ";
                write_value(out, o[k].second, indent + 2);
                out += k + 1 < o.size() ? ",\n" : "\n";
            }
            out += close + "}";
            break;
        }
    }
}

}  // namespace

Value parse(std::string_view text) { return Parser(text).document(); }

std::string write(const Value& v) {
    std::string out;
    write_value(out, v, 0);
    out += '\n';
    return out;
}

}  // namespace h2::json
