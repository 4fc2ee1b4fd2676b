// SETTINGS parameters (RFC 9113 §6.5.2, RFC 8441 §3, RFC 9218 §2.1) and a view over the
// entries of a SETTINGS payload.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "h2/error.hpp"
#include "h2/frame/header.hpp"

namespace h2::frame {

enum class SettingId : std::uint16_t {
    header_table_size = 0x1,
    enable_push = 0x2,
    max_concurrent_streams = 0x3,
    initial_window_size = 0x4,
    max_frame_size = 0x5,
    max_header_list_size = 0x6,
    enable_connect_protocol = 0x8,  // RFC 8441 §3
    no_rfc7540_priorities = 0x9,    // RFC 9218 §2.1
};

struct Setting {
    std::uint16_t id = 0;  // raw, so that unknown identifiers survive (they are ignored)
    std::uint32_t value = 0;
    friend bool operator==(const Setting&, const Setting&) = default;
};

inline constexpr std::size_t setting_size = 6;

// Checks one value against the rules of its identifier; unknown identifiers are valid
// (RFC 9113 §6.5.2: "MUST ignore"). Every failure is a connection error.
std::optional<ProtocolError> validate_setting(Setting s) noexcept;

// The entries of a SETTINGS payload, decoded on access. Borrows the payload.
class SettingsView {
public:
    SettingsView() = default;
    explicit SettingsView(std::span<const std::uint8_t> payload) noexcept : payload_(payload) {}

    std::size_t size() const noexcept { return payload_.size() / setting_size; }
    bool empty() const noexcept { return size() == 0; }
    Setting operator[](std::size_t i) const noexcept {
        const std::uint8_t* p = payload_.data() + i * setting_size;
        return {static_cast<std::uint16_t>((p[0] << 8) | p[1]), read_u32(p + 2)};
    }
    std::span<const std::uint8_t> payload() const noexcept { return payload_; }

    class iterator {
    public:
        using value_type = Setting;
        using difference_type = std::ptrdiff_t;
        iterator() = default;
        iterator(const SettingsView* v, std::size_t i) : view_(v), i_(i) {}
        Setting operator*() const { return (*view_)[i_]; }
        iterator& operator++() {
            ++i_;
            return *this;
        }
        iterator operator++(int) {
            auto t = *this;
            ++i_;
            return t;
        }
        bool operator==(const iterator& o) const { return i_ == o.i_; }

    private:
        const SettingsView* view_ = nullptr;
        std::size_t i_ = 0;
    };
    iterator begin() const noexcept { return {this, 0}; }
    iterator end() const noexcept { return {this, size()}; }

private:
    std::span<const std::uint8_t> payload_;
};

}  // namespace h2::frame
