#include "http1.hpp"

#include <sys/sendfile.h>
#include <unistd.h>

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/beast/http.hpp>
#include <iostream>

#include "exchange.hpp"
#include "hop.hpp"
#include "http1_request.hpp"

namespace h2::runtime {

namespace beast = boost::beast;
namespace http = beast::http;

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

using boost::asio::experimental::awaitable_operators::operator||;

// Runs `op` (an operation completing with (error_code, octets) through as_tuple) unless
// `limit` passes first. nullopt on timeout; the operation is then cancelled.
asio::awaitable<std::optional<std::tuple<boost::system::error_code, std::size_t>>> within(
    asio::steady_timer& timer, std::chrono::seconds limit,
    asio::awaitable<std::tuple<boost::system::error_code, std::size_t>> op) {
    timer.expires_after(limit);
    auto r = co_await (std::move(op) || timer.async_wait(asio::as_tuple(asio::use_awaitable)));
    if (r.index() != 0) co_return std::nullopt;
    co_return std::get<0>(r);
}

// A write that must make it within `limit`; throws otherwise (the session ends the connection).
asio::awaitable<void> bounded_write(asio::steady_timer& timer, std::chrono::seconds limit,
                                    asio::awaitable<std::tuple<boost::system::error_code, std::size_t>> op) {
    auto r = co_await within(timer, limit, std::move(op));
    if (!r) throw boost::system::system_error(asio::error::timed_out, "write stalled");
    if (const auto [ec, n] = *r; ec) throw boost::system::system_error(ec);
}

// Writes `length` octets of `fd` from `offset` to a plain socket with sendfile(2); throws
// timed_out when the socket accepts nothing for `timeout`.
asio::awaitable<void> sendfile_to(asio::ip::tcp::socket& socket, int fd, std::uint64_t offset, std::uint64_t length,
                                  std::chrono::seconds timeout) {
    off_t off = static_cast<off_t>(offset);
    asio::steady_timer timer(socket.get_executor());
    while (length > 0) {
        const ssize_t n = ::sendfile(socket.native_handle(), fd, &off, length);
        if (n > 0) {
            length -= static_cast<std::uint64_t>(n);
        } else if (n == 0) {
            // The file shrank since it was opened: the response cannot be completed.
            throw boost::system::system_error(EIO, boost::system::system_category(), "file truncated");
        } else if (errno == EAGAIN || errno == EINTR) {
            timer.expires_after(timeout);
            auto r =
                co_await (socket.async_wait(asio::ip::tcp::socket::wait_write, asio::as_tuple(asio::use_awaitable)) ||
                          timer.async_wait(asio::as_tuple(asio::use_awaitable)));
            if (r.index() != 0) throw boost::system::system_error(asio::error::timed_out, "write stalled");
        } else {
            throw boost::system::system_error(errno, boost::system::system_category(), "sendfile");
        }
    }
}

// A file range as body octets: sendfile(2) on cleartext, pread(2) into a buffer on TLS.
template <class Stream>
asio::awaitable<void> write_file_octets(Stream& socket, asio::steady_timer& timer, std::chrono::seconds limit,
                                        const FileRange& file) {
    if constexpr (std::is_same_v<Stream, asio::ip::tcp::socket>) {
        co_await sendfile_to(socket, file.fd(), file.offset(), file.length(), limit);
    } else {
        std::vector<std::uint8_t> chunk(64 * 1024);
        for (std::uint64_t done = 0; done < file.length();) {
            const std::size_t want =
                static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), file.length() - done));
            const ssize_t got = ::pread(file.fd(), chunk.data(), want, static_cast<off_t>(file.offset() + done));
            if (got <= 0)
                throw boost::system::system_error(got == 0 ? EIO : errno, boost::system::system_category(), "pread");
            co_await bounded_write(timer, limit,
                                   asio::async_write(socket, asio::buffer(chunk.data(), static_cast<std::size_t>(got)),
                                                     asio::as_tuple(asio::use_awaitable)));
            done += static_cast<std::uint64_t>(got);
        }
    }
}

// A request served by a coroutine handler over HTTP/1.1: the body was read before; a response
// without content-length is chunked (its trailers go in the last chunk), or, for HTTP/1.0,
// delimited by closing the connection.
template <class Stream>
class H1Exchange final : public ExchangeIo {
public:
    H1Exchange(Stream& socket, beast::flat_buffer& buffer, asio::steady_timer& timer, std::chrono::seconds write_limit,
               std::string body, bool head, bool keep_alive, unsigned version)
        : socket_(socket),
          buffer_(buffer),
          timer_(timer),
          limit_(write_limit),
          body_(std::move(body)),
          head_(head),
          keep_alive_(keep_alive),
          version_(version) {}

    // The connection can carry another request.
    bool reusable() const noexcept { return keep_alive_ && !broken_; }

    asio::awaitable<std::span<const std::uint8_t>> read_body() override {
        return on_executor(socket_.get_executor(), do_read_body());
    }
    asio::awaitable<std::span<const std::uint8_t>> do_read_body() {
        if (tunnel_) co_return co_await read_tunnel();
        if (given_ || body_.empty()) co_return std::span<const std::uint8_t>{};
        given_ = true;
        co_return std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(body_.data()), body_.size());
    }

    // After the 101, the connection's octets both ways: first those the parser read ahead
    // (still in the buffer), then the socket's as they come (no time limit: the protocol
    // inside keeps its own). The end of the peer's octets is the end of the "body".
    asio::awaitable<std::span<const std::uint8_t>> read_tunnel() {
        buffer_.consume(tunnel_given_);
        tunnel_given_ = 0;
        if (buffer_.size() == 0) {
            const auto [ec, n] =
                co_await socket_.async_read_some(buffer_.prepare(kTunnelRead), asio::as_tuple(asio::use_awaitable));
            if (ec == asio::error::eof || ec == asio::ssl::error::stream_truncated)
                co_return std::span<const std::uint8_t>{};
            if (ec) {
                failed_ = broken_ = true;
                throw boost::system::system_error(ec, "tunnel read");
            }
            buffer_.commit(n);
        }
        tunnel_given_ = buffer_.size();
        co_return std::span<const std::uint8_t>(static_cast<const std::uint8_t*>(buffer_.data().data()), tunnel_given_);
    }

    asio::awaitable<int> open_tunnel(std::span<const FieldView> fields) override {
        return on_executor(socket_.get_executor(), do_open_tunnel(fields));
    }
    // RFC 9110 §7.8: 101 Switching Protocols, with the fields the application gives (Upgrade,
    // Connection, the protocol's own); the connection is the tunnel's from then on.
    asio::awaitable<int> do_open_tunnel(std::span<const FieldView> fields) {
        if (!upgrade_) throw std::logic_error("open_tunnel: the HTTP/1.1 request asked for no upgrade");
        std::string out = "HTTP/1.1 101 Switching Protocols\r\n";
        for (const auto& [name, value] : fields) out.append(name).append(": ").append(value).append("\r\n");
        out += "\r\n";
        keep_alive_ = false;
        tunnel_ = true;
        co_await send(asio::buffer(out));
        co_return 101;
    }

    asio::awaitable<void> write_head(int status, std::span<const FieldView> fields, bool end) override {
        return on_executor(socket_.get_executor(), do_write_head(status, fields, end));
    }
    asio::awaitable<void> do_write_head(int status, std::span<const FieldView> fields, bool end) {
        const bool bodiless = head_ || status == 204 || status == 304;
        bool has_length = false;
        std::string out = "HTTP/1.1 " + std::to_string(status) + " ";
        out += http::obsolete_reason(static_cast<http::status>(status));
        out += "\r\n";
        for (const auto& [name, value] : fields) {
            if (name == "content-length") has_length = true;
            if (name == "connection" || name == "transfer-encoding") continue;  // ours to decide
            out.append(name).append(": ").append(value).append("\r\n");
        }
        if (!bodiless && !has_length) {
            if (end) {
                out += "content-length: 0\r\n";
            } else if (version_ == 11) {
                out += "transfer-encoding: chunked\r\n";
                chunked_ = true;
            } else {
                keep_alive_ = false;  // HTTP/1.0: the body ends with the connection
            }
        }
        if (!keep_alive_) out += "connection: close\r\n";
        else if (version_ == 10) out += "connection: keep-alive\r\n";
        out += "\r\n";
        co_await send(asio::buffer(out));
    }

    asio::awaitable<void> write_body(std::span<const std::uint8_t> data, bool end) override {
        return on_executor(socket_.get_executor(), do_write_body(data, end));
    }
    asio::awaitable<void> do_write_body(std::span<const std::uint8_t> data, bool end) {
        if (head_) co_return;
        if (!chunked_) {
            if (!data.empty()) co_await send(asio::buffer(data.data(), data.size()));
            if (end && tunnel_) shutdown_send();
            co_return;
        }
        if (!data.empty()) {
            const std::string size = chunk_size(data.size());
            const std::array<asio::const_buffer, 3> pieces{asio::buffer(size), asio::buffer(data.data(), data.size()),
                                                           asio::buffer(kCrlf)};
            co_await send(pieces);
        }
        if (end) co_await send(asio::buffer(kLastChunk));
    }

    asio::awaitable<void> write_file(FileRange file) override {
        return on_executor(socket_.get_executor(), do_write_file(std::move(file)));
    }
    asio::awaitable<void> do_write_file(FileRange file) {
        if (chunked_) co_await send(asio::buffer(chunk_size(file.length())));
        try {
            co_await write_file_octets(socket_, timer_, limit_, file);
        } catch (...) {
            broken_ = true;
            throw;
        }
        if (chunked_) {
            const std::array<asio::const_buffer, 2> end{asio::buffer(kCrlf), asio::buffer(kLastChunk)};
            co_await send(end);
        }
    }

    asio::awaitable<void> write_trailers(const FieldVector& trailers) override {
        return on_executor(socket_.get_executor(), do_write_trailers(trailers));
    }
    asio::awaitable<void> do_write_trailers(const FieldVector& trailers) {
        if (!chunked_ || head_) co_return;  // no place for them without chunking: dropped
        std::string out = "0\r\n";
        for (const auto& [name, value] : trailers) out.append(name).append(": ").append(value).append("\r\n");
        out += "\r\n";
        co_await send(asio::buffer(out));
    }

    bool gone() const noexcept override { return failed_; }
    void abort() noexcept override {
        broken_ = true;
        if (tunnel_) give_up();
    }
    // The connection is given up: pending reads and writes fail at once.
    void give_up() noexcept override {
        failed_ = broken_ = true;
        boost::system::error_code ignored;
        socket_.lowest_layer().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
        socket_.lowest_layer().cancel(ignored);
    }
    void set_upgrade(bool requested) noexcept { upgrade_ = requested; }

private:
    static constexpr std::size_t kTunnelRead = 16 * 1024;
    static constexpr std::string_view kCrlf = "\r\n";

    // The end of our direction of a tunnel: FIN on cleartext (on TLS the connection's close,
    // once the handler returns, ends both).
    void shutdown_send() noexcept {
        if constexpr (std::is_same_v<Stream, asio::ip::tcp::socket>) {
            boost::system::error_code ignored;
            socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
        }
    }
    static constexpr std::string_view kLastChunk = "0\r\n\r\n";

    static std::string chunk_size(std::uint64_t n) {
        char buf[24];
        const int len = std::snprintf(buf, sizeof buf, "%llx\r\n", static_cast<unsigned long long>(n));
        return std::string(buf, static_cast<std::size_t>(len));
    }

    template <class Buffers>
    asio::awaitable<void> send(const Buffers& buffers) {
        try {
            co_await bounded_write(timer_, limit_,
                                   asio::async_write(socket_, buffers, asio::as_tuple(asio::use_awaitable)));
        } catch (...) {
            failed_ = broken_ = true;  // the peer is gone or stalled: the connection ends
            throw;
        }
    }

    Stream& socket_;
    beast::flat_buffer& buffer_;
    asio::steady_timer& timer_;
    std::chrono::seconds limit_;
    std::string body_;
    bool head_;
    bool keep_alive_;
    unsigned version_;
    bool given_ = false;
    bool chunked_ = false;
    bool broken_ = false;
    bool failed_ = false;
    bool upgrade_ = false;
    bool tunnel_ = false;
    std::size_t tunnel_given_ = 0;
};

}  // namespace

template <class Stream>
asio::awaitable<std::optional<UpgradeRequest>> serve_http1(Stream& socket, beast::flat_buffer& buffer,
                                                           const SessionContext& context) {
    constexpr bool tls = !std::is_same_v<Stream, asio::ip::tcp::socket>;
    constexpr auto as_tuple = asio::as_tuple(asio::use_awaitable);
    const auto write_limit = context.options.write_timeout;
    asio::steady_timer timer(socket.get_executor());
    for (;;) {
        http::request_parser<http::string_body> parser;
        parser.body_limit(context.options.max_request_body);
        parser.header_limit(16 * 1024);
        // The whole header within idle_timeout of the previous response (or of the connection):
        // an idle keep-alive connection, or a header that never ends, is closed. Then the body
        // as long as octets keep coming, each read within idle_timeout.
        const auto idle = context.options.idle_timeout;
        auto read = co_await within(timer, idle, http::async_read_header(socket, buffer, parser, as_tuple));
        if (!read) co_return std::nullopt;
        boost::system::error_code ec = std::get<0>(*read);
        if (!ec && !parser.is_done() && expects_continue(parser.get())) {
            // RFC 9110 §10.1.1: the client waits for this before it sends the body.
            static const std::string k100 = "HTTP/1.1 100 Continue\r\n\r\n";
            co_await bounded_write(timer, write_limit, asio::async_write(socket, asio::buffer(k100), as_tuple));
        }
        while (!ec && !parser.is_done()) {
            read = co_await within(timer, idle, http::async_read_some(socket, buffer, parser, as_tuple));
            if (!read) co_return std::nullopt;
            ec = std::get<0>(*read);
        }
        if (ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset) {
            co_return std::nullopt;
        }
        if (ec) {
            // Malformed or too large: answer once and close (RFC 9112 §2.2).
            const bool large = ec == http::error::body_limit || ec == http::error::header_limit;
            http::response<http::string_body> bad{large ? http::status::payload_too_large : http::status::bad_request,
                                                  11};
            bad.set(http::field::connection, "close");
            bad.body() = large ? "413 Content Too Large\n" : "400 Bad Request\n";
            bad.prepare_payload();
            co_await within(timer, write_limit, http::async_write(socket, bad, as_tuple));
            co_return std::nullopt;
        }
        const auto& req = parser.get();
        if (auto up = tls ? std::nullopt : upgrade_of(req)) {
            static const std::string k101 =
                "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n";
            co_await bounded_write(timer, write_limit, asio::async_write(socket, asio::buffer(k101), as_tuple));
            co_return up;
        }
        boost::system::error_code peer_error;
        const auto remote = socket.lowest_layer().remote_endpoint(peer_error);
        const std::string peer = peer_error ? std::string() : remote.address().to_string();
        const bool head = req.method() == http::verb::head;
        auto& message = parser.get();
        H1Exchange<Stream> exchange(socket, buffer, timer, write_limit, std::move(message.body()), head,
                                    message.keep_alive(), message.version());
        exchange.set_upgrade(message.version() == 11 && message.count(http::field::upgrade) > 0);
        ServerRequest request(exchange);
        request.version = static_cast<int>(message.version());
        request.method = std::string(message.method_string());
        request.scheme = tls ? "https" : "http";
        request.path = std::string(message.target());
        request.authority = std::string(message[http::field::host]);
        for (const auto& f : message) request.fields.emplace_back(lower(f.name_string()), std::string(f.value()));
        request.peer = peer;
        co_await serve_exchange(context, request, exchange, "HTTP/1.1");
        if (!exchange.reusable()) co_return std::nullopt;
    }
}

template asio::awaitable<std::optional<UpgradeRequest>> serve_http1(asio::ip::tcp::socket&, beast::flat_buffer&,
                                                                    const SessionContext&);
template asio::awaitable<std::optional<UpgradeRequest>> serve_http1(TlsStream&, beast::flat_buffer&,
                                                                    const SessionContext&);

}  // namespace h2::runtime
