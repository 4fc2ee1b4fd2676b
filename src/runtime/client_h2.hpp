// An HTTP/2 client connection (internal header): the shared Driver with the client's policy
// on top. Requests are opened by a command the driver applies (submit_request: the engine
// buffers those beyond the server's SETTINGS_MAX_CONCURRENT_STREAMS), responses arrive on
// their ClientStream, and the receive windows grow with the measured bandwidth-delay product.
#pragma once

#include <boost/asio.hpp>

#include <memory>
#include <optional>
#include <vector>

#include "client_connection.hpp"
#include "client_stream.hpp"
#include "driver.hpp"

namespace h2::runtime {

template <class Socket>
class H2ClientConnection final : public ClientConnection,
                                 public DriverPolicy,
                                 public std::enable_shared_from_this<H2ClientConnection<Socket>> {
public:
    // `conn`: Connection::client(), or Connection::client_upgrade() after an h2c upgrade (its
    // stream 1 is the upgrade request: upgraded_response() gives the answer).
    H2ClientConnection(Socket socket, std::shared_ptr<const ClientShared> shared, Connection conn,
                       Clock::time_point handshake_deadline);
    // The owner's loop until the connection is done (the pool spawns it); `first`: octets
    // that arrived with the 101 of an upgrade.
    boost::asio::awaitable<void> run(std::vector<std::uint8_t> first);

    bool http2() const noexcept override { return true; }
    bool available() const noexcept override { return !closed_ && !going_away_; }
    bool saturated() const noexcept override;
    bool closed() const noexcept override { return closed_; }
    boost::asio::awaitable<ClientResponse> exchange(const PreparedRequest& request) override;
    void shutdown() noexcept override;
    // The response to the request that asked for the upgrade (stream 1).
    boost::asio::awaitable<ClientResponse> upgraded_response(const PreparedRequest& request);

private:
    struct Open {
        explicit Open(const boost::asio::any_io_executor& e) : signal(e) {}
        std::vector<hpack::HeaderField> fields;
        bool end_stream = false;
        std::shared_ptr<ClientStream> stream;
        SubmitError error = SubmitError::none;
        bool done = false;
        boost::asio::steady_timer signal;
    };

    // DriverPolicy
    void apply_commands() override;
    void on_headers(const HeadersReceived& h) override;
    void on_event(const Event& e) override;
    void on_connection_error(const ConnectionError& x) override;
    void on_data(StreamId id, std::size_t n) override;

    boost::asio::awaitable<ClientResponse> respond(std::shared_ptr<ClientStream> stream, const PreparedRequest& r);
    void grow_stream(StreamId id);
    std::exception_ptr unusable() const;
    void on_bdp_sample(std::uint64_t octets);
    std::shared_ptr<ClientStream> make_stream(StreamId id);

    Socket socket_;
    std::shared_ptr<const ClientShared> shared_;
    std::shared_ptr<ConnectionFate> fate_ = std::make_shared<ConnectionFate>();
    std::optional<Driver<Socket>> driver_;
    std::vector<std::shared_ptr<Open>> opens_;
    std::shared_ptr<ClientStream> upgraded_;
    // Cancelled when the server's first SETTINGS arrives or the connection closes (an extended
    // CONNECT needs the server's SETTINGS_ENABLE_CONNECT_PROTOCOL first).
    boost::asio::steady_timer settings_seen_;
    bool going_away_ = false;
    bool closed_ = false;
    // Bandwidth-delay product: octets received since the BDP PING left, one PING at a time.
    std::uint32_t window_;
    std::uint64_t bdp_octets_ = 0;
    bool bdp_ping_out_ = false;
    std::uint64_t quiet_octets_ = 0;     // received since the last sample
    std::uint64_t bdp_backoff_ = 16384;  // how much must come before the next PING (none for tiny bodies)
    std::uint32_t bdp_pings_ = 0;
};

}  // namespace h2::runtime
