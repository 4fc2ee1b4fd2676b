#include "frame_trace.hpp"

#include <algorithm>

#include "h2/error.hpp"

namespace h2::runtime {

namespace {

constexpr std::string_view kTypes[] = {"DATA",         "HEADERS", "PRIORITY", "RST_STREAM",    "SETTINGS",
                                       "PUSH_PROMISE", "PING",    "GOAWAY",   "WINDOW_UPDATE", "CONTINUATION"};

std::uint32_t u32(const std::uint8_t* p) {
    return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | p[3];
}

// Whose payload is worth describing (DATA and header blocks are only counted).
bool described(std::uint8_t type) { return type == 3 || type == 4 || type == 6 || type == 7 || type == 8; }

std::string flags_of(std::uint8_t type, std::uint8_t flags) {
    std::string s;
    auto add = [&](std::string_view name) { s.append(s.empty() ? "" : "|").append(name); };
    if ((type == 4 || type == 6) && (flags & 0x1)) add("ACK");
    if ((type == 0 || type == 1) && (flags & 0x1)) add("END_STREAM");
    if ((type == 1 || type == 5 || type == 9) && (flags & 0x4)) add("END_HEADERS");
    if ((type == 0 || type == 1 || type == 5) && (flags & 0x8)) add("PADDED");
    if (type == 1 && (flags & 0x20)) add("PRIORITY");
    return s;
}

// (Built with append: `"x" + std::string(...)` trips GCC 12's -Wrestrict at -O3, a false
// positive in its inlined std::string::insert.)
std::string details(std::uint8_t type, const std::vector<std::uint8_t>& p) {
    std::string s;
    if (type == 3 && p.size() == 4) s.append(" ").append(to_string(static_cast<ErrorCode>(u32(p.data()))));
    if (type == 8 && p.size() == 4) s.append(" +").append(std::to_string(u32(p.data()) & 0x7fffffffu));
    if (type == 7 && p.size() >= 8) {
        s.append(" last_stream=").append(std::to_string(u32(p.data()) & 0x7fffffffu));
        s.append(" ").append(to_string(static_cast<ErrorCode>(u32(p.data() + 4))));
        if (p.size() > 8) s.append(" \"").append(p.begin() + 8, p.end()).append("\"");
    }
    if (type == 4) {
        static constexpr std::string_view kNames[] = {"",
                                                      "HEADER_TABLE_SIZE",
                                                      "ENABLE_PUSH",
                                                      "MAX_CONCURRENT_STREAMS",
                                                      "INITIAL_WINDOW_SIZE",
                                                      "MAX_FRAME_SIZE",
                                                      "MAX_HEADER_LIST_SIZE",
                                                      "",
                                                      "ENABLE_CONNECT_PROTOCOL",
                                                      "NO_RFC7540_PRIORITIES"};
        for (std::size_t i = 0; i + 6 <= p.size(); i += 6) {
            const unsigned id = p[i] << 8 | p[i + 1];
            s.append(" ");
            if (id < std::size(kNames) && !kNames[id].empty()) {
                s.append(kNames[id]);
            } else {
                s.append("0x").append(std::to_string(id));
            }
            s.append("=").append(std::to_string(u32(p.data() + i + 2)));
        }
    }
    return s;
}

}  // namespace

void FrameTrace::octets(bool outbound, std::span<const std::uint8_t> data) {
    std::uint32_t& skip = skip_preface_[outbound ? 0 : 1];
    const std::size_t n = std::min<std::size_t>(skip, data.size());
    skip -= static_cast<std::uint32_t>(n);
    feed(outbound, outbound ? out_ : in_, data.subspan(n));
}

void FrameTrace::external(std::uint64_t length) {
    out_.payload_left -= std::min(out_.payload_left, length);
    if (out_.payload_left == 0 && out_.header.size() == 9) {
        emit(true, out_);
        out_.header.clear();
    }
}

void FrameTrace::feed(bool outbound, Direction& d, std::span<const std::uint8_t> data) {
    while (!data.empty()) {
        if (d.header.size() < 9) {
            const std::size_t n = std::min(9 - d.header.size(), data.size());
            d.header.insert(d.header.end(), data.begin(), data.begin() + static_cast<std::ptrdiff_t>(n));
            data = data.subspan(n);
            if (d.header.size() < 9) return;
            d.length = std::uint32_t{d.header[0]} << 16 | std::uint32_t{d.header[1]} << 8 | d.header[2];
            d.type = d.header[3];
            d.flags = d.header[4];
            d.stream = u32(d.header.data() + 5) & 0x7fffffffu;
            d.payload_left = d.length;
            d.payload.clear();
        }
        const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(d.payload_left, data.size()));
        if (described(d.type))
            d.payload.insert(d.payload.end(), data.begin(), data.begin() + static_cast<std::ptrdiff_t>(n));
        d.payload_left -= n;
        data = data.subspan(n);
        if (d.payload_left > 0) return;  // the rest comes later (or as an external payload)
        emit(outbound, d);
        d.header.clear();
    }
}

void FrameTrace::emit(bool outbound, const Direction& d) {
    std::string line = outbound ? "send " : "recv ";
    if (d.type < std::size(kTypes)) {
        line.append(kTypes[d.type]);
    } else {
        line.append("frame type ").append(std::to_string(d.type));
    }
    line.append(" stream=").append(std::to_string(d.stream)).append(" length=").append(std::to_string(d.length));
    const std::string f = flags_of(d.type, d.flags);
    if (!f.empty()) line.append(" ").append(f);
    line += details(d.type, d.payload);
    sink_(line);
}

}  // namespace h2::runtime
