// One server connection (internal header): the transport handshake, HTTP/1.1 until it ends
// or upgrades, then HTTP/2 on the shared Driver with the server's policy on top: a request
// header starts its handler (or is answered at once by the QuickHandler).
#pragma once

#include <boost/asio.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include <memory>
#include <optional>
#include <string>

#include "context.hpp"
#include "driver.hpp"
#include "h2/connection/connection.hpp"

namespace h2::runtime {

namespace asio = boost::asio;

// Something the server can ask to shut down gracefully, whatever its transport.
class SessionBase {
public:
    virtual ~SessionBase() = default;
    // From the session's own executor: GOAWAY and finish the streams in flight.
    virtual void request_shutdown() = 0;
};

// `Socket` is asio::ip::tcp::socket (cleartext: h2c, Upgrade, HTTP/1.1) or TlsStream (TLS
// with ALPN h2, then http/1.1). Explicitly instantiated for both in server_session.cpp.
template <class Socket>
class ServerSession final : public SessionBase,
                            public DriverPolicy,
                            public std::enable_shared_from_this<ServerSession<Socket>> {
public:
    ServerSession(Socket socket, const SessionContext& context);
    ~ServerSession() override;
    asio::awaitable<void> run();
    void request_shutdown() override;

private:
    asio::awaitable<std::optional<Connection>> handshake(boost::beast::flat_buffer& first, Clock::time_point& deadline);
    DriverOptions driver_options(Clock::time_point handshake_deadline) const;
    // DriverPolicy
    void on_headers(const HeadersReceived& h) override;
    void on_stream_reset(const StreamReset& r) override;
    void on_connection_error(const ConnectionError& x) override;
    void on_stall(StreamId id, StallCause cause, std::chrono::seconds held) override;
    // The QuickHandler's answer, if it gives one (true).
    bool answer_quickly(const HeadersReceived& h);
    void start_exchange(const HeadersReceived& h);

    Socket socket_;
    const SessionContext& context_;
    std::optional<Driver<Socket>> driver_;
    std::string peer_;  // the client's address, for the access log
    bool shutdown_requested_ = false;
};

}  // namespace h2::runtime
