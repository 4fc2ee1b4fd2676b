#include "client_h1.hpp"

#include <unistd.h>

#include "client_body.hpp"
#include "deadline.hpp"
#include "hop.hpp"

namespace h2::runtime {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

constexpr std::size_t kBodyPiece = 64 * 1024;
constexpr std::string_view kCrlf = "\r\n";

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    return out;
}

std::string chunk_size(std::size_t n) {
    char buf[24];
    const int len = std::snprintf(buf, sizeof buf, "%zx\r\n", n);
    return std::string(buf, static_cast<std::size_t>(len));
}

// A response on an HTTP/1.1 connection: the body as the application reads it.
template <class Socket>
class H1Response final : public ResponseSource {
public:
    H1Response(std::shared_ptr<H1ClientConnection<Socket>> conn,
               std::unique_ptr<typename H1ClientConnection<Socket>::Parser> p, std::size_t head_fields,
               std::chrono::steady_clock::time_point deadline, asio::any_io_executor executor)
        : conn_(std::move(conn)),
          parser_(std::move(p)),
          head_fields_(head_fields),
          deadline_(deadline),
          executor_(std::move(executor)),
          buffer_(kBodyPiece) {}
    ~H1Response() override {
        if (!done_) cancel();
    }

    asio::awaitable<std::span<const std::uint8_t>> read() override { return on_executor(executor_, read_here()); }
    const FieldVector& trailers() const noexcept override { return trailers_; }
    bool complete() const noexcept override { return done_; }
    void cancel() noexcept override {
        try {
            asio::post(executor_, [c = conn_] { c->close(); });
        } catch (...) {}
    }

private:
    asio::awaitable<std::span<const std::uint8_t>> read_here() {
        if (done_) co_return std::span<const std::uint8_t>{};
        const std::size_t n = co_await conn_->read_body(*parser_, buffer_, deadline_);
        if (n == 0) {
            done_ = true;
            // Beast puts the fields of a chunked body's trailer after the header's.
            std::size_t i = 0;
            for (const auto& f : parser_->get()) {
                if (i++ >= head_fields_) trailers_.emplace_back(lower(f.name_string()), std::string(f.value()));
            }
        }
        co_return std::span<const std::uint8_t>(buffer_.data(), n);
    }

    std::shared_ptr<H1ClientConnection<Socket>> conn_;
    std::unique_ptr<typename H1ClientConnection<Socket>::Parser> parser_;
    std::size_t head_fields_;
    std::chrono::steady_clock::time_point deadline_;
    asio::any_io_executor executor_;
    std::vector<std::uint8_t> buffer_;
    FieldVector trailers_;
    bool done_ = false;
};

// A writer body over HTTP/1.1: each piece as a chunk.
template <class Socket>
class ChunkWriter final : public BodyWriter {
public:
    using Send = std::function<asio::awaitable<void>(std::span<const asio::const_buffer>)>;
    explicit ChunkWriter(Send send) : send_(std::move(send)) {}
    asio::awaitable<void> write(std::span<const std::uint8_t> octets) override {
        if (octets.empty()) co_return;
        const std::string size = chunk_size(octets.size());
        const std::array<asio::const_buffer, 3> pieces{asio::buffer(size), asio::buffer(octets.data(), octets.size()),
                                                       asio::buffer(kCrlf)};
        co_await send_(pieces);
    }
    using BodyWriter::write;

private:
    Send send_;
};

}  // namespace

template <class Socket>
H1ClientConnection<Socket>::H1ClientConnection(Socket socket, std::shared_ptr<const ClientShared> shared)
    : socket_(std::move(socket)), shared_(std::move(shared)) {}

template <class Socket>
void H1ClientConnection<Socket>::close() noexcept {
    if (closed_) return;
    closed_ = true;
    boost::system::error_code ignored;
    socket_.lowest_layer().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    socket_.lowest_layer().close(ignored);
    changed();
}

template <class Socket>
void H1ClientConnection<Socket>::shutdown() noexcept {
    keep_alive_ = false;
    if (!busy_) close();
}

template <class Socket>
Socket H1ClientConnection<Socket>::take_socket() noexcept {
    closed_ = true;  // this object is done with it
    return std::move(socket_);
}

template <class Socket>
std::chrono::steady_clock::time_point H1ClientConnection<Socket>::next_deadline(const PreparedRequest& r) const {
    return std::min(r.deadline, std::chrono::steady_clock::now() + shared_->options.read_timeout);
}

template <class Socket>
template <class Buffers>
asio::awaitable<void> H1ClientConnection<Socket>::send(const Buffers& buffers,
                                                       std::chrono::steady_clock::time_point deadline) {
    Deadline limit(socket_, deadline);
    const auto [ec, n] = co_await asio::async_write(socket_, buffers, asio::as_tuple(asio::use_awaitable));
    if (ec) {
        close();
        if (limit.passed()) throw TimeoutError("the request could not be written in time");
        throw ProtocolFailure(ErrorCode::no_error, "the connection failed while sending the request: " + ec.message(),
                              true);
    }
}

template <class Socket>
asio::awaitable<void> H1ClientConnection<Socket>::write_request(const PreparedRequest& r, RequestPayload& payload,
                                                                const std::string* http2_settings) {
    const bool chunked = !payload.length && r.body->kind() == ClientBody::Kind::writer;
    std::string head = r.method + " " + r.url.target + " HTTP/1.1\r\nhost: " + r.authority + "\r\n";
    for (const auto& [n, v] : r.fields) head.append(n).append(": ").append(v).append("\r\n");
    if (chunked) {
        head += "transfer-encoding: chunked\r\n";
    } else if (payload.length && (*payload.length > 0 || r.method == "POST" || r.method == "PUT")) {
        head += "content-length: " + std::to_string(*payload.length) + "\r\n";
    }
    if (http2_settings) {
        head += "connection: Upgrade, HTTP2-Settings\r\nupgrade: h2c\r\nhttp2-settings: " + *http2_settings + "\r\n";
    }
    head += "\r\n";
    co_await send(asio::buffer(head), next_deadline(r));
    co_await write_body(r, payload, chunked);
}

template <class Socket>
asio::awaitable<void> H1ClientConnection<Socket>::write_body(const PreparedRequest& r, RequestPayload& payload,
                                                             bool chunked) {
    switch (r.body->kind()) {
        case ClientBody::Kind::none:
            break;
        case ClientBody::Kind::memory:
            if (!r.body->octets().empty()) co_await send(asio::buffer(r.body->octets()), next_deadline(r));
            break;
        case ClientBody::Kind::file: {
            std::vector<std::uint8_t> piece(kBodyPiece);
            for (std::uint64_t done = 0; done < payload.file.length();) {
                const std::size_t want =
                    static_cast<std::size_t>(std::min<std::uint64_t>(piece.size(), payload.file.length() - done));
                const ssize_t got = ::pread(payload.file.fd(), piece.data(), want, static_cast<off_t>(done));
                if (got <= 0) {
                    close();
                    throw std::system_error(got == 0 ? EIO : errno, std::generic_category(), "reading the body file");
                }
                co_await send(asio::buffer(piece.data(), static_cast<std::size_t>(got)), next_deadline(r));
                done += static_cast<std::uint64_t>(got);
            }
            break;
        }
        case ClientBody::Kind::writer: {
            ChunkWriter<Socket> writer(
                [this, &r](std::span<const asio::const_buffer> b) { return send(b, next_deadline(r)); });
            co_await r.body->writer_function()(writer);
            if (chunked) co_await send(asio::buffer(std::string_view("0\r\n\r\n")), next_deadline(r));
            break;
        }
    }
}

template <class Socket>
asio::awaitable<std::unique_ptr<typename H1ClientConnection<Socket>::Parser>> H1ClientConnection<Socket>::read_head(
    const PreparedRequest& r, std::vector<InformationalResponse>& informational, bool upgrading) {
    for (;;) {
        auto parser = std::make_unique<Parser>();
        parser->header_limit(shared_->options.engine.limits.max_header_list_size);
        parser->body_limit(boost::none);
        if (r.method == "HEAD") parser->skip(true);
        Deadline limit(socket_, next_deadline(r));
        const auto [ec, n] =
            co_await http::async_read_header(socket_, buffer_, *parser, asio::as_tuple(asio::use_awaitable));
        if (ec) {
            // A server that speaks only HTTP/2 with prior knowledge answers with its SETTINGS.
            const auto seen = buffer_.data();
            const auto* p = static_cast<const std::uint8_t*>(seen.data());
            const bool settings =
                seen.size() >= 9 && p[3] == 0x4 && p[4] == 0 && p[5] == 0 && p[6] == 0 && p[7] == 0 && p[8] == 0;
            close();
            if (upgrading && settings) throw ServerSpeaksHttp2{};
            if (limit.passed()) throw TimeoutError("no response header within read_timeout");
            throw ProtocolFailure(ErrorCode::no_error, "no HTTP/1.1 response: " + ec.message(), true);
        }
        const unsigned status = parser->get().result_int();
        if (status >= 200 || (status == 101 && upgrading)) co_return parser;
        FieldVector fields;
        for (const auto& f : parser->get()) fields.emplace_back(lower(f.name_string()), std::string(f.value()));
        informational.push_back({static_cast<int>(status), std::move(fields)});
    }
}

template <class Socket>
ClientResponse H1ClientConnection<Socket>::respond(std::unique_ptr<Parser> parser,
                                                   std::vector<InformationalResponse> informational,
                                                   const PreparedRequest& r) {
    keep_alive_ = keep_alive_ && parser->get().keep_alive();
    const int status = static_cast<int>(parser->get().result_int());
    FieldVector fields;
    for (const auto& f : parser->get()) fields.emplace_back(lower(f.name_string()), std::string(f.value()));
    const std::size_t head_fields = fields.size();
    ClientResponse res(std::make_shared<H1Response<Socket>>(this->shared_from_this(), std::move(parser), head_fields,
                                                            r.deadline, shared_->executor));
    res.status = status;
    res.fields = std::move(fields);
    res.informational = std::move(informational);
    res.protocol = "http/1.1";
    return res;
}

template <class Socket>
asio::awaitable<ClientResponse> H1ClientConnection<Socket>::exchange(const PreparedRequest& r) {
    if (!available())
        throw NotProcessed{std::make_exception_ptr(ProtocolFailure(ErrorCode::no_error, "connection busy", false))};
    if (r.http2_only)
        throw UnsupportedError(
            "the request needs HTTP/2 (extended CONNECT, a two-way stream); the connection is HTTP/1.1");
    busy_ = true;
    RequestPayload payload = open_payload(*r.body);
    co_await write_request(r, payload, nullptr);
    std::vector<InformationalResponse> informational;
    auto parser = co_await read_head(r, informational, false);
    co_return respond(std::move(parser), std::move(informational), r);
}

template <class Socket>
asio::awaitable<typename H1ClientConnection<Socket>::Upgrade> H1ClientConnection<Socket>::exchange_with_upgrade(
    const PreparedRequest& r, std::string http2_settings) {
    busy_ = true;
    RequestPayload payload = open_payload(*r.body);
    co_await write_request(r, payload, &http2_settings);
    std::vector<InformationalResponse> informational;
    auto parser = co_await read_head(r, informational, true);
    Upgrade up;
    if (parser->get().result_int() == 101) {
        up.switched = true;
        const auto data = buffer_.data();
        const auto* p = static_cast<const std::uint8_t*>(data.data());
        up.leftover.assign(p, p + data.size());
        co_return up;
    }
    up.response = respond(std::move(parser), std::move(informational), r);
    co_return up;
}

template <class Socket>
asio::awaitable<std::size_t> H1ClientConnection<Socket>::read_body(Parser& parser, std::span<std::uint8_t> into,
                                                                   std::chrono::steady_clock::time_point deadline) {
    for (;;) {
        if (parser.is_done()) {
            busy_ = false;
            if (!keep_alive_) close();
            changed();
            co_return 0;
        }
        if (closed_) throw CancelledError("the response was cancelled");
        parser.get().body().data = into.data();
        parser.get().body().size = into.size();
        Deadline limit(socket_, std::min(deadline, std::chrono::steady_clock::now() + shared_->options.read_timeout));
        auto [ec, n] = co_await http::async_read_some(socket_, buffer_, parser, asio::as_tuple(asio::use_awaitable));
        if (ec == http::error::need_buffer) ec = {};
        if (ec) {
            close();
            if (limit.passed()) throw TimeoutError("no progress on the response for read_timeout");
            throw ProtocolFailure(ErrorCode::no_error,
                                  "the connection closed before the response was complete (" + ec.message() + ")",
                                  true);
        }
        const std::size_t got = into.size() - parser.get().body().size;
        if (got > 0) co_return got;
    }
}

template class H1ClientConnection<asio::ip::tcp::socket>;
template class H1ClientConnection<TlsStream>;

}  // namespace h2::runtime
