// The client's StreamSockets: open_stream (a request's body and response as one two-way
// stream), and connect_websocket: a WebSocket over one stream of the client's HTTP/2
// connection (RFC 8441) when the server allows it, else over an HTTP/1.1 connection of its own
// (RFC 6455). Either way Beast runs the WebSocket protocol over a StreamSocket; over HTTP/2 the
// extended CONNECT is sent first and Beast's HTTP/1.1 handshake is answered in its place.
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <openssl/ssl.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/websocket/error.hpp>
#include <boost/system/system_error.hpp>

#include "client_connect.hpp"
#include "h2/runtime/client.hpp"
#include "h2/runtime/websocket.hpp"
#include "http1_head.hpp"
#include "open_body.hpp"
#include "stream_socket_core.hpp"

namespace h2::runtime {

namespace asio = boost::asio;
namespace websocket = boost::beast::websocket;
using boost::system::error_code;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr auto kDrainLimit = std::chrono::seconds(5);

namespace {

// Sec-WebSocket-Accept for a key (RFC 6455 §4.2.2).
std::string accept_of(std::string_view key) {
    const std::string text = std::string(key) + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    unsigned char digest[SHA_DIGEST_LENGTH];
    SHA1(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
    unsigned char out[4 * ((SHA_DIGEST_LENGTH + 2) / 3) + 1];
    const int n = EVP_EncodeBlock(out, digest, SHA_DIGEST_LENGTH);
    return std::string(reinterpret_cast<const char*>(out), static_cast<std::size_t>(n));
}

class ClientH2Core final : public StreamSocket::Core {
public:
    // `websocket`: Beast's HTTP/1.1 handshake is answered in the CONNECT's place.
    ClientH2Core(asio::any_io_executor ex, ClientResponse response, std::shared_ptr<OpenBody> body, bool websocket)
        : Core(std::move(ex)), response_(std::move(response)), body_(std::move(body)), translating_(websocket) {
        for (const auto& [n, v] : response_.fields) {
            if (n == "sec-websocket-protocol" || n == "sec-websocket-extensions") extra_ += n + ": " + v + "\r\n";
        }
    }

    asio::awaitable<SocketResult> read_some(StreamSocket::MutableBuffers buffers, std::size_t count) override {
        if (asio::buffer_size(std::span(buffers.data(), count)) == 0) co_return SocketResult{};
        if (!reply_.empty()) {  // the made-up 101 comes first
            std::span<const std::uint8_t> rest(reinterpret_cast<const std::uint8_t*>(reply_.data()), reply_.size());
            const std::size_t n = copy_into(rest, buffers, count);
            reply_.erase(0, n);
            co_return SocketResult{{}, n};
        }
        co_return co_await read_pieces(buffers, count);
    }

    asio::awaitable<SocketResult> write_some(StreamSocket::ConstBuffers buffers, std::size_t count) override {
        try {
            const auto out = gather(buffers, count, scratch_);
            if (out.empty()) co_return SocketResult{};
            if (translating_) co_return SocketResult{{}, translate(out)};
            const bool written = co_await body_->write(out);  // (named: GCC 12 and co_await in conditions)
            if (!written) co_return SocketResult{asio::error::broken_pipe, 0};
            co_return SocketResult{{}, out.size()};
        } catch (...) {
            co_return SocketResult{code_of(std::current_exception()), 0};
        }
    }

    asio::awaitable<SocketResult> shutdown(bool drain) override {
        body_->close();  // END_STREAM
        if (drain) co_await drain_pieces();
        co_return SocketResult{};
    }

    void give_up() noexcept override {
        body_->close();
        response_.cancel();
    }
    bool ended() const noexcept override { return body_->closed() && read_ended_; }
    bool http2() const noexcept override { return true; }
    ~ClientH2Core() override {
        if (!ended()) give_up();  // a WebSocket dropped unclosed: the stream is reset
    }

private:
    // Beast's GET ... Upgrade: websocket, already answered by the CONNECT: its key gets the
    // 101 Beast expects, with the server's subprotocol and extensions.
    std::size_t translate(std::span<const std::uint8_t> octets) {
        head_.append(reinterpret_cast<const char*>(octets.data()), octets.size());
        const auto end = head_.find("\r\n\r\n");
        if (end == std::string::npos) return octets.size();
        translating_ = false;
        const auto line = head_.find("\r\n");
        // (parse_http1_head wants a status line: give it one in place of the request line.)
        const Http1Head request = parse_http1_head("HTTP/1.1 000 -" + head_.substr(line, end + 4 - line), false);
        std::string key;
        for (const auto& [n, v] : request.fields) {
            if (n == "sec-websocket-key") key = v;
        }
        reply_ = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n";
        reply_ += "Sec-WebSocket-Accept: " + accept_of(key) + "\r\n" + extra_ + "\r\n";
        head_.clear();
        return octets.size();
    }

    asio::awaitable<std::span<const std::uint8_t>> next_piece() override { return response_.read(); }

    ClientResponse response_;
    std::shared_ptr<OpenBody> body_;
    bool translating_;
    std::string head_, reply_, extra_, scratch_;
};

// An HTTP/1.1 connection of the WebSocket's own: Beast's octets as they are.
template <class Stream>
class RawCore final : public StreamSocket::Core {
public:
    RawCore(Stream stream, std::shared_ptr<asio::ssl::context> tls)
        : Core(stream.get_executor()), stream_(std::move(stream)), tls_(std::move(tls)) {}

    asio::awaitable<SocketResult> read_some(StreamSocket::MutableBuffers buffers, std::size_t count) override {
        const auto [ec, n] = co_await stream_.async_read_some(std::span(buffers.data(), count), kTuple);
        if (ec == asio::error::eof || ec == asio::ssl::error::stream_truncated) eof_ = true;
        co_return SocketResult{ec, n};
    }
    asio::awaitable<SocketResult> write_some(StreamSocket::ConstBuffers buffers, std::size_t count) override {
        const auto [ec, n] = co_await stream_.async_write_some(std::span(buffers.data(), count), kTuple);
        co_return SocketResult{ec, n};
    }
    asio::awaitable<SocketResult> shutdown(bool drain) override {
        asio::steady_timer limit(executor, kDrainLimit);
        limit.async_wait([this](error_code ec) {
            if (!ec) give_up();
        });
        error_code ec;
        if constexpr (std::is_same_v<Stream, TlsStream>) {
            std::tie(ec) = co_await stream_.async_shutdown(kTuple);  // close_notify both ways
            if (ec == asio::ssl::error::stream_truncated) ec = {};
            eof_ = true;
        } else {
            stream_.shutdown(asio::ip::tcp::socket::shutdown_send, ec);
            std::array<char, 512> sink{};
            while (drain && !eof_ && !ec) {
                const auto [e, n] = co_await stream_.async_read_some(asio::buffer(sink), kTuple);
                if (e == asio::error::eof) eof_ = true;
                else ec = e;
            }
        }
        shut_ = true;
        limit.cancel();
        co_return SocketResult{ec, 0};
    }
    void give_up() noexcept override {
        error_code ignored;
        stream_.lowest_layer().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
        stream_.lowest_layer().cancel(ignored);
    }
    bool ended() const noexcept override { return shut_ && eof_; }
    bool http2() const noexcept override { return false; }

private:
    Stream stream_;
    std::shared_ptr<asio::ssl::context> tls_;  // (the stream's context, kept alive)
    bool eof_ = false;
    bool shut_ = false;
};

// ws:// and wss:// are http:// and https:// for the connection (RFC 6455 §3).
std::string http_url(std::string url) {
    if (url.starts_with("ws://")) return "http://" + url.substr(5);
    if (url.starts_with("wss://")) return "https://" + url.substr(6);
    return url;
}

asio::awaitable<std::shared_ptr<StreamSocket::Core>> open_http1(const Client& client, const Url& url) {
    const ClientOptions& o = client.options();
    auto socket = co_await connect_tcp(client.executor(), url, o.connect_timeout);
    if (!url.tls()) co_return std::make_shared<RawCore<asio::ip::tcp::socket>>(std::move(socket), nullptr);
    auto context = make_client_tls_context(o);
    TlsStream tls(std::move(socket), *context);
    static constexpr unsigned char kHttp11[] = "\x08http/1.1";
    SSL_set_alpn_protos(tls.native_handle(), kHttp11, sizeof kHttp11 - 1);  // not h2: this is HTTP/1.1's
    co_await tls_handshake(tls, url, o.verify_peer, o.handshake_timeout);
    co_return std::make_shared<RawCore<TlsStream>>(std::move(tls), std::move(context));
}

}  // namespace

asio::awaitable<OpenedStream> open_stream(Client& client, ClientRequest request) {
    auto body = std::make_shared<OpenBody>(client.executor());
    request.body = OpenBody::body(body);
    request.http2_only = true;
    ClientResponse response = co_await client.request(std::move(request));
    const int status = response.status;
    FieldVector fields = response.fields;
    auto core = std::make_shared<ClientH2Core>(client.executor(), std::move(response), std::move(body), false);
    co_return OpenedStream{status, std::move(fields), StreamSocket(std::move(core))};
}

asio::awaitable<WebSocket> connect_websocket(Client& client, std::string url, FieldVector fields,
                                             WebSocketOptions options) {
    const std::string target = http_url(std::move(url));
    const Url u = Url::parse(target);
    std::shared_ptr<StreamSocket::Core> core;
    if (u.tls() || client.options().prior_knowledge) {
        auto body = std::make_shared<OpenBody>(client.executor());
        FieldVector connect_fields = fields;
        connect_fields.emplace_back("sec-websocket-version", "13");
        if (!options.subprotocol.empty()) connect_fields.emplace_back("sec-websocket-protocol", options.subprotocol);
        ClientRequest request("CONNECT", target, std::move(connect_fields), OpenBody::body(body));
        request.protocol = "websocket";
        try {
            ClientResponse response = co_await client.request(std::move(request));
            if (response.status < 200 || response.status > 299) {
                body->close();  // the request body ends; the refusal's body is dropped
                response.cancel();
                throw boost::system::system_error(websocket::error::upgrade_declined,
                                                  "the server answered " + std::to_string(response.status));
            }
            core = std::make_shared<ClientH2Core>(client.executor(), std::move(response), std::move(body), true);
        } catch (const UnsupportedError&) {  // HTTP/1.1 below
        }
    }
    if (!core) core = co_await open_http1(client, u);
    WebSocket ws(std::move(core));
    websocket::stream_base::timeout timeouts =
        websocket::stream_base::timeout::suggested(boost::beast::role_type::client);
    timeouts.handshake_timeout = options.handshake_timeout;
    if (options.idle_timeout.count() > 0) timeouts.idle_timeout = options.idle_timeout;
    ws.set_option(timeouts);
    ws.read_message_max(options.max_message);
    ws.set_option(websocket::stream_base::decorator([fields, p = options.subprotocol](websocket::request_type& r) {
        for (const auto& [n, v] : fields) r.set(n, v);
        if (!p.empty()) r.set(boost::beast::http::field::sec_websocket_protocol, p);
    }));
    co_await ws.async_handshake(u.authority(), u.target, asio::use_awaitable);
    co_return ws;
}

}  // namespace h2::runtime
