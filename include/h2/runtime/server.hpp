// The server runtime (Boost.Asio underneath; this header does not include it): N threads,
// each with its own io_context and acceptor on the port (SO_REUSEPORT), one coroutine per
// connection driving an h2::Connection.
//
// Cleartext port: HTTP/2 with prior knowledge, HTTP/1.1, and Upgrade: h2c. TLS port: ALPN h2,
// then http/1.1. A request is answered by a coroutine handler (AsyncHandler, declared in
// h2/runtime/handler.hpp: streaming request body, response writer, cancellation on reset), or
// by a synchronous Handler once its body has arrived; bodies go out from memory or, for files, as DATA headers followed
// by the file range (sendfile(2) on cleartext) inside reserved flow-control windows.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "h2/connection/config.hpp"
#include "h2/runtime/fields.hpp"

namespace h2::runtime {

struct Request {
    std::string method, scheme, authority, path;
    FieldVector fields;  // regular fields, in order
    std::string body;

    std::string_view field(std::string_view name) const noexcept {
        for (const auto& [n, v] : fields) {
            if (n == name) return v;
        }
        return {};
    }
};

struct Response {
    int status = 200;
    FieldVector fields;
    std::string body;  // sent when `file` is empty
    FileRange file;    // sent with sendfile(2)
    FieldVector trailers;
};

using Handler = std::function<Response(const Request&)>;
struct AsyncHandler;  // h2/runtime/handler.hpp

enum class LogLevel : std::uint8_t { error, warn, info, debug };

struct ServerOptions {
    std::string host = "0.0.0.0";
    std::uint16_t port = 8080;
    // TLS (ALPN h2, then http/1.1) on this port too, when set.
    std::optional<std::uint16_t> tls_port;
    std::string cert_file, key_file;  // PEM
    unsigned threads = 0;             // 0: one per core
    Config engine;
    // HTTP/2: no streams for this long sends GOAWAY. HTTP/1.1: the limit between requests, for a
    // whole request header, and between octets of a body.
    std::chrono::seconds idle_timeout{20};
    std::chrono::seconds handshake_timeout{10};
    std::chrono::seconds drain_timeout{10};  // the graceful shutdown on a signal
    // SIGINT and SIGTERM shut the server down gracefully (drain_timeout). Off: the
    // application's signals are its own (h2serve turns it on).
    bool handle_signals = false;
    // A write that makes no progress for this long ends the connection (a peer that stopped
    // reading); a response blocked on flow control for stream_stall_timeout is reset (CANCEL).
    std::chrono::seconds write_timeout{30};
    std::chrono::seconds stream_stall_timeout{60};
    // HTTP/2: a PING this often (0: never); a PING unanswered for keepalive_timeout closes the
    // connection (a client that vanished without a FIN or RST).
    std::chrono::seconds keepalive_interval{0};
    std::chrono::seconds keepalive_timeout{20};
    std::size_t max_request_body = 64u << 20;  // larger bodies get 413
    // Connections one worker serves at once; more are closed as they arrive (counted).
    std::size_t max_connections_per_worker = 10000;
    LogLevel log_level = LogLevel::warn;
    std::string access_log;    // a file, "-" for standard output, empty: none
    std::string metrics_path;  // e.g. "/metrics": Prometheus text there; empty: none
};

class Server {
public:
    Server(ServerOptions options, Handler handler);
    Server(ServerOptions options, AsyncHandler handler);  // include h2/runtime/handler.hpp
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Binds the listeners; throws std::system_error (e.g. the port is in use).
    void listen();
    // The ports actually bound (useful with port 0); tls_port() is 0 without TLS.
    std::uint16_t port() const noexcept;
    std::uint16_t tls_port() const noexcept;
    // Runs the workers on this thread and N-1 others until the server stops: stop(),
    // shutdown() done, or (with handle_signals) SIGINT/SIGTERM. SIGPIPE is blocked on the
    // server's threads while they run (sendfile(2) raises it); nothing process-wide changes.
    void run();
    // Graceful: closes the listeners, sends GOAWAY on every connection (RFC 9113 §6.8), lets
    // the streams in flight finish, and stops once every connection is done or `timeout`
    // passed; run() then returns. Callable from any thread.
    void shutdown(std::chrono::milliseconds timeout);
    // Stops at once: connections are dropped where they are. Callable from any thread.
    void stop();

private:
    void listen_or_throw();
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace h2::runtime
