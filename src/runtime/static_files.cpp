#include "h2/runtime/static_files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <ctime>
#include <system_error>
#include <unordered_map>

namespace h2::runtime {

namespace {

std::atomic<std::uint64_t> next_id{1};  // StaticFiles instances, for the file cache

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

StaticResponse error_page(int status, std::string_view reason) {
    StaticResponse r;
    r.status = status;
    r.body = std::to_string(status) + " " + std::string(reason) + "\n";
    r.fields = {{"content-type", "text/plain; charset=utf-8"}, {"content-length", std::to_string(r.body.size())}};
    return r;
}

constexpr std::array<const char*, 7> kDays{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::array<const char*, 12> kMonths{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

bool is_within(const std::filesystem::path& root, const std::filesystem::path& p) {
    auto r = root.begin(), q = p.begin();
    for (; r != root.end(); ++r, ++q) {
        if (q == p.end() || *r != *q) return false;
    }
    return true;
}

}  // namespace

StaticFiles::StaticFiles(std::filesystem::path root) : root_(std::filesystem::canonical(root)), id_(next_id++) {}

std::optional<std::string> StaticFiles::decode_path(std::string_view path) {
    path = path.substr(0, path.find_first_of("?#"));
    if (path.empty() || path[0] != '/') return std::nullopt;
    std::string out;
    for (std::size_t i = 0; i < path.size(); ++i) {
        char c = path[i];
        if (c == '%') {
            if (i + 2 >= path.size()) return std::nullopt;
            const int hi = hex_value(path[i + 1]), lo = hex_value(path[i + 2]);
            if (hi < 0 || lo < 0) return std::nullopt;
            c = static_cast<char>(hi * 16 + lo);
            i += 2;
            if (c == '/' || c == '\\') return std::nullopt;  // an encoded separator is never a path
        }
        if (c == '\0' || c == '\\') return std::nullopt;
        out += c;
    }
    // No segment may be `.` or `..` (after decoding, so %2e%2e is caught too).
    std::size_t start = 1;
    while (start <= out.size()) {
        const std::size_t end = std::min(out.find('/', start), out.size());
        const std::string_view seg(out.data() + start, end - start);
        if (seg == "." || seg == "..") return std::nullopt;
        start = end + 1;
    }
    return out;
}

std::string_view StaticFiles::content_type(std::string_view ext) {
    static const std::pair<std::string_view, std::string_view> kTypes[] = {{".html", "text/html; charset=utf-8"},
                                                                           {".htm", "text/html; charset=utf-8"},
                                                                           {".css", "text/css; charset=utf-8"},
                                                                           {".js", "text/javascript; charset=utf-8"},
                                                                           {".mjs", "text/javascript; charset=utf-8"},
                                                                           {".json", "application/json"},
                                                                           {".txt", "text/plain; charset=utf-8"},
                                                                           {".md", "text/markdown; charset=utf-8"},
                                                                           {".xml", "application/xml"},
                                                                           {".svg", "image/svg+xml"},
                                                                           {".png", "image/png"},
                                                                           {".jpg", "image/jpeg"},
                                                                           {".jpeg", "image/jpeg"},
                                                                           {".gif", "image/gif"},
                                                                           {".webp", "image/webp"},
                                                                           {".avif", "image/avif"},
                                                                           {".ico", "image/x-icon"},
                                                                           {".woff", "font/woff"},
                                                                           {".woff2", "font/woff2"},
                                                                           {".ttf", "font/ttf"},
                                                                           {".wasm", "application/wasm"},
                                                                           {".pdf", "application/pdf"},
                                                                           {".zip", "application/zip"},
                                                                           {".gz", "application/gzip"},
                                                                           {".mp4", "video/mp4"},
                                                                           {".webm", "video/webm"},
                                                                           {".mp3", "audio/mpeg"},
                                                                           {".wav", "audio/wav"}};
    for (const auto& [e, t] : kTypes) {
        if (e.size() == ext.size()) {
            bool same = true;
            for (std::size_t i = 0; i < e.size() && same; ++i) {
                same = e[i] == static_cast<char>(std::tolower(static_cast<unsigned char>(ext[i])));
            }
            if (same) return t;
        }
    }
    return "application/octet-stream";
}

std::string StaticFiles::http_date(std::int64_t t) {
    const std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[40];
    std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[static_cast<std::size_t>(tm.tm_wday)],
                  tm.tm_mday, kMonths[static_cast<std::size_t>(tm.tm_mon)], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                  tm.tm_sec);
    return buf;
}

std::optional<std::int64_t> StaticFiles::parse_http_date(std::string_view s) {
    // IMF-fixdate only (RFC 9110 §5.6.7): "Sun, 06 Nov 1994 08:49:37 GMT".
    if (s.size() != 29 || s.substr(25) != " GMT") return std::nullopt;
    std::tm tm{};
    char mon[4] = {};
    int day, year, h, m, sec;
    if (std::sscanf(std::string(s).c_str() + 5, "%2d %3s %4d %2d:%2d:%2d", &day, mon, &year, &h, &m, &sec) != 6) {
        return std::nullopt;
    }
    int month = -1;
    for (std::size_t i = 0; i < kMonths.size(); ++i) {
        if (std::string_view(kMonths[i]) == mon) month = static_cast<int>(i);
    }
    if (month < 0) return std::nullopt;
    tm.tm_mday = day;
    tm.tm_mon = month;
    tm.tm_year = year - 1900;
    tm.tm_hour = h;
    tm.tm_min = m;
    tm.tm_sec = sec;
    return static_cast<std::int64_t>(timegm(&tm));
}

std::optional<std::pair<std::int64_t, std::int64_t>> StaticFiles::parse_range(std::string_view h, std::int64_t size) {
    if (h.substr(0, 6) != "bytes=" || h.find(',') != std::string_view::npos) return std::nullopt;
    h.remove_prefix(6);
    const std::size_t dash = h.find('-');
    if (dash == std::string_view::npos) return std::nullopt;
    auto number = [](std::string_view d) -> std::optional<std::int64_t> {
        if (d.empty() || d.size() > 18) return std::nullopt;
        std::int64_t v = 0;
        for (char c : d) {
            if (c < '0' || c > '9') return std::nullopt;
            v = v * 10 + (c - '0');
        }
        return v;
    };
    const auto first = number(h.substr(0, dash)), last = number(h.substr(dash + 1));
    if (!first && !last) return std::nullopt;
    if (!first) {  // suffix: the last N octets
        if (*last == 0 || size == 0) return std::pair<std::int64_t, std::int64_t>{-1, -1};
        return std::pair{std::max<std::int64_t>(0, size - *last), size - 1};
    }
    if (last && *last < *first) return std::nullopt;
    if (*first >= size) return std::pair<std::int64_t, std::int64_t>{-1, -1};
    return std::pair{*first, last ? std::min(*last, size - 1) : size - 1};
}

CachedFile::~CachedFile() {
    if (fd >= 0) ::close(fd);
}

FileRange CachedFile::range(std::uint64_t first, std::uint64_t length) const {
    const int copy = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
    if (copy < 0) throw std::system_error(errno, std::generic_category(), "dup");
    return FileRange(copy, first, length);
}

namespace {

// Heterogeneous lookup: a request's path finds its entry without a std::string made for it.
struct PathHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};
using CacheMap = std::unordered_map<std::string, std::shared_ptr<CachedFile>, PathHash, std::equal_to<>>;

// One cache per thread and StaticFiles (by id: an address may be reused by another root).
CacheMap& thread_cache(std::uint64_t owner) {
    thread_local std::unordered_map<std::uint64_t, CacheMap> caches;
    return caches[owner];
}

}  // namespace

std::shared_ptr<const CachedFile> StaticFiles::lookup(std::string_view path, int& status) const {
    const std::string_view key = path.substr(0, path.find_first_of("?#"));
    CacheMap& cache = thread_cache(id_);
    const auto now = std::chrono::steady_clock::now();
    if (auto it = cache.find(key); it != cache.end()) {
        CachedFile& e = *it->second;
        if (now - e.checked < kRevalidateAfter) return it->second;
        struct stat st {};
        if (::stat(e.path.c_str(), &st) == 0 && static_cast<std::uint64_t>(st.st_dev) == e.device &&
            static_cast<std::uint64_t>(st.st_ino) == e.inode && static_cast<std::uint64_t>(st.st_size) == e.size &&
            st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec == e.mtime_ns) {
            e.checked = now;
            return it->second;
        }
        cache.erase(it);  // changed or gone: resolved again
    }
    auto e = std::const_pointer_cast<CachedFile>(load(key, status));
    if (!e) return nullptr;
    e->checked = now;
    if (cache.size() >= kCacheEntries) cache.clear();
    cache.emplace(std::string(key), e);
    return e;
}

std::shared_ptr<const CachedFile> StaticFiles::load(std::string_view path, int& status) const {
    const auto decoded = decode_path(path);
    if (!decoded) {
        status = 400;
        return nullptr;
    }
    std::filesystem::path p = root_ / std::filesystem::path(decoded->substr(1));
    std::error_code ec;
    if (std::filesystem::is_directory(p, ec)) p /= "index.html";
    const std::filesystem::path real = std::filesystem::canonical(p, ec);
    status = 404;
    if (ec) return nullptr;
    if (!is_within(root_, real)) {  // a link out of the root
        status = 403;
        return nullptr;
    }
    const int fd = ::open(real.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == EACCES) status = 403;
        return nullptr;
    }
    auto e = std::make_shared<CachedFile>();
    e->fd = fd;  // closed with the entry
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return nullptr;
    e->path = real.string();
    e->size = static_cast<std::uint64_t>(st.st_size);
    e->mtime = st.st_mtim.tv_sec;
    e->mtime_ns = st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
    e->device = static_cast<std::uint64_t>(st.st_dev);
    e->inode = static_cast<std::uint64_t>(st.st_ino);
    char etag[64];
    std::snprintf(etag, sizeof etag, "\"%llx-%llx-%llx\"", static_cast<unsigned long long>(st.st_ino),
                  static_cast<unsigned long long>(e->size), static_cast<unsigned long long>(e->mtime_ns));
    e->etag = etag;
    e->last_modified = http_date(e->mtime);
    e->content_length = std::to_string(e->size);
    e->content_type = content_type(real.extension().string());
    if (e->size <= kInMemoryLimit) {
        e->content.resize(e->size);
        std::size_t got = 0;
        while (got < e->size) {
            const ssize_t n = ::pread(fd, e->content.data() + got, e->size - got, static_cast<off_t>(got));
            if (n <= 0) return nullptr;  // unreadable, or shrank meanwhile
            got += static_cast<std::size_t>(n);
        }
        e->in_memory = true;
        ::close(e->fd);
        e->fd = -1;
    }
    e->fields = {{"content-type", e->content_type},
                 {"etag", e->etag},
                 {"last-modified", e->last_modified},
                 {"accept-ranges", "bytes"},
                 {"content-length", e->content_length}};
    status = 200;
    return e;
}

StaticResponse StaticFiles::serve(const StaticRequest& req) const {
    const bool head = req.method == "HEAD";
    if (req.method != "GET" && !head) {
        StaticResponse r = error_page(405, "Method Not Allowed");
        r.fields.emplace_back("allow", "GET, HEAD");
        return r;
    }
    int status = 404;
    const auto f = lookup(req.path, status);
    if (!f) {
        return error_page(status, status == 400 ? "Bad Request" : status == 403 ? "Forbidden" : "Not Found");
    }
    StaticResponse r;
    const std::int64_t size = static_cast<std::int64_t>(f->size), mtime = f->mtime;
    r.fields = {{"content-type", std::string(f->content_type)},
                {"etag", f->etag},
                {"last-modified", f->last_modified},
                {"accept-ranges", "bytes"}};
    // RFC 9110 §13.1.2: If-None-Match wins over If-Modified-Since.
    bool not_modified = false;
    if (!req.if_none_match.empty()) {
        not_modified = req.if_none_match == "*" || req.if_none_match.find(f->etag) != std::string_view::npos;
    } else if (!req.if_modified_since.empty()) {
        const auto since = parse_http_date(req.if_modified_since);
        not_modified = since && mtime <= *since;
    }
    if (not_modified) {
        r.status = 304;
        return r;
    }
    std::int64_t first = 0, last = size - 1;
    if (!req.range.empty()) {
        if (const auto range = parse_range(req.range, size)) {
            if (range->first < 0) {
                StaticResponse u = error_page(416, "Range Not Satisfiable");
                u.fields.emplace_back("content-range", "bytes */" + std::to_string(size));
                return u;
            }
            first = range->first;
            last = range->second;
            r.status = 206;
            r.fields.emplace_back("content-range", "bytes " + std::to_string(first) + "-" + std::to_string(last) + "/" +
                                                       std::to_string(size));
        }
    }
    const std::int64_t length = size == 0 ? 0 : last - first + 1;
    r.fields.emplace_back("content-length", std::to_string(length));
    if (!head && length > 0) {
        if (f->in_memory) {
            r.body = f->content.substr(static_cast<std::size_t>(first), static_cast<std::size_t>(length));
        } else {
            r.file = f->range(static_cast<std::uint64_t>(first), static_cast<std::uint64_t>(length));
        }
    }
    return r;
}

}  // namespace h2::runtime
