// A small JSON reader and writer for the tools and tests (hpack-test-case stories).
// Objects keep their member order, so a story read and written back keeps its shape.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace h2::json {

struct ParseError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class Value {
public:
    enum class Kind : std::uint8_t { null, boolean, number, string, array, object };
    using Array = std::vector<Value>;
    using Object = std::vector<std::pair<std::string, Value>>;

    Value() = default;
    static Value boolean(bool b);
    static Value number(std::string text);  // kept as written
    static Value string(std::string s);
    static Value array(Array a = {});
    static Value object(Object o = {});

    Kind kind() const noexcept { return kind_; }
    bool is_null() const noexcept { return kind_ == Kind::null; }
    bool as_bool() const;
    double as_number() const;
    const std::string& as_string() const;  // the string, or a number's text
    const Array& as_array() const;
    Array& as_array();
    const Object& as_object() const;
    Object& as_object();

    // Object member, or nullptr.
    const Value* find(std::string_view key) const;
    // Object member, added (null) at the end if missing.
    Value& operator[](std::string_view key);

private:
    Kind kind_ = Kind::null;
    bool bool_ = false;
    std::string text_;
    std::shared_ptr<Array> array_;
    std::shared_ptr<Object> object_;
};

// Throws ParseError with a line and column.
Value parse(std::string_view text);
// Two-space indentation, non-ASCII octets written as they are.
std::string write(const Value& v);

}  // namespace h2::json
