// The HTTP/2 client (Boost.Asio coroutines), with a connection pool per origin.
//
//   boost::asio::io_context io;
//   h2::runtime::Client client(io.get_executor());
//   boost::asio::co_spawn(io, [&]() -> boost::asio::awaitable<void> {
//       auto res = co_await client.request({"GET", "https://example.org/"});
//       std::string body = co_await res.read_all(1 << 20);   // credit goes back as it reads
//   }, boost::asio::detached);
//   io.run();
//
// https:// negotiates h2 by ALPN (HTTP/1.1 when the server does not offer it), with the
// certificate verified against the system's trust store; http:// asks for Upgrade: h2c on
// the first request of a connection (HTTP/1.1 when the server does not switch), or uses
// HTTP/2 with prior knowledge (ClientOptions::prior_knowledge).
//
// A Client lives on one executor: its connections run there, and request(), read() and the
// other calls hop onto it from any other executor or thread. Requests to one origin are
// multiplexed on its connections; beyond a server's SETTINGS_MAX_CONCURRENT_STREAMS they wait
// (the engine buffers them), and another connection is opened when stream identifiers run
// out or a GOAWAY arrives. A request the server did not process (REFUSED_STREAM, above a
// GOAWAY's last stream id, or never sent) is retried once on another connection when its body
// can be sent again; never after ENHANCE_YOUR_CALM, never one the server may have processed.
// Failures are exceptions derived from ClientError (h2/runtime/client_errors.hpp).
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "h2/connection/config.hpp"
#include "h2/runtime/client_errors.hpp"
#include "h2/runtime/fields.hpp"
#include "h2/runtime/url.hpp"

namespace h2::runtime {

struct ClientOptions {
    // The engine: receive windows start at engine.settings.initial_window_size (streams) and
    // engine.connection_window, limits (response header lists: limits.max_header_list_size).
    Config engine = default_engine();
    bool verify_peer = true;       // the server's certificate, against the system trust store
    std::string ca_file;           // more trusted certificates (PEM), e.g. a test's self-signed one
    bool prior_knowledge = false;  // http://: HTTP/2 at once instead of Upgrade: h2c
    std::chrono::milliseconds connect_timeout{10000};
    std::chrono::milliseconds handshake_timeout{10000};  // TLS, upgrade, the server's SETTINGS
    std::chrono::milliseconds request_timeout{0};        // a whole request, body read included; 0: none
    std::chrono::milliseconds read_timeout{30000};       // no progress on a response (or upload)
    std::chrono::seconds idle_timeout{60};               // a pooled connection without requests is closed
    std::size_t max_connections_per_origin = 4;
    // A PING this often (0: never); one unanswered for keepalive_timeout closes the connection.
    std::chrono::seconds keepalive_interval{0};
    std::chrono::seconds keepalive_timeout{20};
    // Receive windows grow with the measured bandwidth-delay product (a PING timed while DATA
    // flows, at most one outstanding: never more often than data comes), up to max_window.
    bool adaptive_window = true;
    std::uint32_t max_window = 16u << 20;
    // When set, each HTTP/2 frame sent and received is described in a line (h2get -v).
    std::function<void(std::string_view)> trace;

    static Config default_engine() {
        Config c;
        c.auto_release = false;            // credit goes back as the application reads
        c.buffer_outbound_streams = true;  // requests beyond the server's limit wait
        c.settings.enable_push = false;
        c.assumed_peer_max_concurrent_streams = 100;  // until the server's SETTINGS say otherwise
        c.connection_window = 256 * 1024;             // small at first: grows with the measured BDP
        // Small DATA and WINDOW_UPDATE frames are how servers stream and return credit (Node
        // sends both); against a client they cost it no more than the octets they carry.
        c.limits.overhead.data_threshold = 0;
        c.limits.overhead.window_update_threshold = 0;
        return c;
    }
};

class BodyWriter;

// The request body: none, octets in memory, a file, or a writer coroutine that produces it.
class ClientBody {
public:
    using Writer = std::function<boost::asio::awaitable<void>(BodyWriter&)>;
    ClientBody() = default;
    ClientBody(std::string octets) : kind_(Kind::memory), octets_(std::move(octets)) {}  // NOLINT: implicit
    ClientBody(const char* octets) : ClientBody(std::string(octets)) {}                  // NOLINT: implicit
    static ClientBody file(std::string path) {
        ClientBody b;
        b.kind_ = Kind::file;
        b.path_ = std::move(path);
        return b;
    }
    static ClientBody writer(Writer w) {
        ClientBody b;
        b.kind_ = Kind::writer;
        b.writer_ = std::move(w);
        return b;
    }

    enum class Kind : std::uint8_t { none, memory, file, writer };
    Kind kind() const noexcept { return kind_; }
    bool empty() const noexcept { return kind_ == Kind::none || (kind_ == Kind::memory && octets_.empty()); }
    // Can it be sent again (a retry)? A writer's octets are gone once written.
    bool replayable() const noexcept { return kind_ != Kind::writer; }
    const std::string& octets() const noexcept { return octets_; }
    const std::string& path() const noexcept { return path_; }
    const Writer& writer_function() const noexcept { return writer_; }

private:
    Kind kind_ = Kind::none;
    std::string octets_;
    std::string path_;
    Writer writer_;
};

// What a ClientBody::writer writes with: each write waits for the server's window.
class BodyWriter {
public:
    virtual ~BodyWriter() = default;
    virtual boost::asio::awaitable<void> write(std::span<const std::uint8_t> octets) = 0;
    boost::asio::awaitable<void> write(std::string_view s) {
        return write(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()));
    }
};

struct ClientRequest {
    ClientRequest() = default;
    ClientRequest(std::string m, std::string u, FieldVector f = {}, ClientBody b = {})
        : method(std::move(m)), url(std::move(u)), fields(std::move(f)), body(std::move(b)) {}

    std::string method = "GET";
    std::string url;
    FieldVector fields;  // regular fields; :authority (Host) comes from the URL
    ClientBody body;
    // Extended CONNECT (RFC 8441): with method CONNECT, the :protocol (e.g. "websocket"). Only
    // over HTTP/2 to a server that sent SETTINGS_ENABLE_CONNECT_PROTOCOL (http:// needs
    // prior_knowledge); otherwise UnsupportedError, with nothing sent. A 2xx answer opens a
    // tunnel: its body is read without read_timeout (the protocol inside keeps its own).
    std::string protocol;
    // UnsupportedError on an HTTP/1.1 connection, nothing sent (set for extended CONNECT, and
    // by open_stream: a body written while the response is read needs HTTP/2).
    bool http2_only = false;
};

struct InformationalResponse {
    int status = 0;
    FieldVector fields;
};

// A response's body, read as the application wants it (internal; ClientResponse reads it).
class ResponseSource {
public:
    virtual ~ResponseSource() = default;
    virtual boost::asio::awaitable<std::span<const std::uint8_t>> read() = 0;
    virtual const FieldVector& trailers() const noexcept = 0;
    virtual void cancel() noexcept = 0;
    virtual bool complete() const noexcept = 0;
};

class ClientResponse {
public:
    ClientResponse() = default;
    ClientResponse(ClientResponse&&) noexcept = default;
    ClientResponse& operator=(ClientResponse&&) noexcept = default;
    // A response whose body was not read to its end is cancelled (RST_STREAM(CANCEL), or the
    // HTTP/1.1 connection is closed).
    ~ClientResponse();

    int status = 0;
    FieldVector fields;                                // names in lower case
    std::vector<InformationalResponse> informational;  // 1xx before the final status
    std::string protocol;                              // "h2" or "http/1.1"

    std::string_view field(std::string_view name) const noexcept;
    // The next piece of the body, valid until the next call, empty at its end; gives the
    // previous piece's flow-control credit back. Throws ClientError.
    boost::asio::awaitable<std::span<const std::uint8_t>> read();
    // The rest of the body; throws std::length_error when it is longer than `limit`.
    boost::asio::awaitable<std::string> read_all(std::size_t limit);
    // The trailers, once read() has returned empty.
    const FieldVector& trailers() const noexcept;
    void cancel() noexcept;

    // (Internal.) The body's source.
    explicit ClientResponse(std::shared_ptr<ResponseSource> source) : source_(std::move(source)) {}

private:
    std::shared_ptr<ResponseSource> source_;
};

class Client {
public:
    explicit Client(boost::asio::any_io_executor executor, ClientOptions options = {});
    ~Client();
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    // Sends the request and returns once the response's header has arrived (its body is read
    // from the response). From any executor.
    boost::asio::awaitable<ClientResponse> request(ClientRequest request);
    // Sends GOAWAY on every connection and closes them once their requests are done; later
    // requests fail. From the client's executor.
    void shutdown();

    struct Stats {
        std::uint64_t connections_opened = 0;
        std::uint64_t requests = 0;
        std::uint64_t retries = 0;
        std::uint32_t largest_window = 0;  // the largest stream receive window the BDP estimate asked for
    };
    Stats stats() const noexcept;
    const boost::asio::any_io_executor& executor() const noexcept;
    const ClientOptions& options() const noexcept;

private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

}  // namespace h2::runtime
