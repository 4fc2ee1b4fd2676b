// What a client request can fail with: one exception type per kind of failure, all derived
// from ClientError (catch that for all of them). No Boost here.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

#include "h2/error.hpp"

namespace h2::runtime {

enum class ClientErrorKind : std::uint8_t {
    bad_url,       // the URL cannot be used (scheme, host, port)
    connect,       // name resolution or TCP connect failed
    tls,           // the TLS handshake or the certificate's verification failed
    protocol,      // the connection failed: GOAWAY with an error (either way), or broken HTTP/1.1
    stream_reset,  // the server reset the stream (RST_STREAM) with a code
    goaway,        // the server's GOAWAY left the request unprocessed and it could not be retried
    timeout,       // connect, handshake, the whole request, or read progress took too long
    cancelled,     // the application cancelled the request
    unsupported,   // the server does not offer what the request needs (extended CONNECT)
};

std::string_view to_string(ClientErrorKind k) noexcept;

class ClientError : public std::runtime_error {
public:
    ClientError(ClientErrorKind kind, const std::string& what) : std::runtime_error(what), kind_(kind) {}
    ClientErrorKind kind() const noexcept { return kind_; }

private:
    ClientErrorKind kind_;
};

struct BadUrlError : ClientError {
    explicit BadUrlError(const std::string& what) : ClientError(ClientErrorKind::bad_url, what) {}
};
struct ConnectError : ClientError {
    explicit ConnectError(const std::string& what) : ClientError(ClientErrorKind::connect, what) {}
};
struct TlsError : ClientError {
    explicit TlsError(const std::string& what) : ClientError(ClientErrorKind::tls, what) {}
};
// The connection failed with `code` (HTTP/2; protocol_error for a broken HTTP/1.1 exchange),
// sent by us or by the server.
struct ProtocolFailure : ClientError {
    ProtocolFailure(ErrorCode c, const std::string& what, bool by_server)
        : ClientError(ClientErrorKind::protocol, what), code(c), sent_by_server(by_server) {}
    ErrorCode code;
    bool sent_by_server;
};
struct StreamResetError : ClientError {
    StreamResetError(ErrorCode c, const std::string& what)
        : ClientError(ClientErrorKind::stream_reset, what), code(c) {}
    ErrorCode code;
};
struct GoawayError : ClientError {
    GoawayError(ErrorCode c, const std::string& what) : ClientError(ClientErrorKind::goaway, what), code(c) {}
    ErrorCode code;
};
struct TimeoutError : ClientError {
    explicit TimeoutError(const std::string& what) : ClientError(ClientErrorKind::timeout, what) {}
};
struct CancelledError : ClientError {
    explicit CancelledError(const std::string& what) : ClientError(ClientErrorKind::cancelled, what) {}
};
// Nothing was sent: the connection cannot carry the request (an extended CONNECT on HTTP/1.1,
// or to a server that did not send SETTINGS_ENABLE_CONNECT_PROTOCOL).
struct UnsupportedError : ClientError {
    explicit UnsupportedError(const std::string& what) : ClientError(ClientErrorKind::unsupported, what) {}
};

}  // namespace h2::runtime
