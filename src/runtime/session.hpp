// One HTTP/2 connection over a socket: the coroutine that owns the engine (internal header).
#pragma once

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include <atomic>
#include <deque>
#include <type_traits>
#include <memory>
#include <unordered_map>

#include "h2/connection/connection.hpp"
#include "h2/runtime/server.hpp"
#include "context.hpp"
#include "exchange.hpp"

namespace h2::runtime {

namespace asio = boost::asio;

// Writes `length` octets of `fd` from `offset` to a plain socket with sendfile(2); throws
// timed_out when the socket accepts nothing for `timeout`.
asio::awaitable<void> sendfile_to(asio::ip::tcp::socket& socket, int fd, std::uint64_t offset, std::uint64_t length,
                                  std::chrono::seconds timeout = std::chrono::seconds(30));

using TlsStream = asio::ssl::stream<asio::ip::tcp::socket>;

// Something the server can ask to shut down gracefully, whatever its transport.
class SessionBase {
public:
    virtual ~SessionBase() = default;
    virtual void request_shutdown() = 0;
};

// `Stream` is asio::ip::tcp::socket (cleartext: h2c, Upgrade, HTTP/1.1) or TlsStream (TLS
// with ALPN h2, then http/1.1). Explicitly instantiated for both in session.cpp.
template <class Stream>
class Session : public SessionBase, public StreamHost, public std::enable_shared_from_this<Session<Stream>> {
public:
    static constexpr bool tls = std::is_same_v<Stream, TlsStream>;

    Session(Stream stream, const SessionContext& context);
    ~Session() override;
    asio::awaitable<void> run();
    // From the session's own executor: GOAWAY and finish the streams in flight.
    void request_shutdown() override;

    // StreamHost: what coroutine handlers' exchanges call (on this session's thread).
    Connection& connection() noexcept override { return conn_; }
    void wake() noexcept override;
    void send_file(StreamId id, FileRange file) override;
    const SessionContext& context() const noexcept override { return context_; }
    std::vector<hpack::HeaderField>& field_scratch() noexcept override { return field_scratch_; }

private:
    struct Incoming {
        Request request;
        bool complete = false;
        bool too_large = false;
    };
    struct Outgoing {
        std::string body;
        std::size_t offset = 0;
        FieldVector trailers;
    };
    struct FileJob {
        StreamId stream;
        FileRange file;
        std::uint64_t sent = 0;
        bool blocked = false;
        Connection::Clock::time_point progress{};  // last frame sent
    };

    asio::awaitable<bool> sniff(boost::beast::flat_buffer& in);
    void handle(const Event& e);
    void respond(StreamId id, Incoming& in);
    void handle_for_exchanges(const Event& e);
    void log_connection_error(const ConnectionError& x) const;
    void start_exchange(const HeadersReceived& h);
    // The QuickHandler's answer, if it gives one (true).
    bool answer_quickly(const HeadersReceived& h);
    // Forgets the stream's exchange; `gone`: it was reset (the handler is cancelled).
    void end_exchange(StreamId id, bool gone);
    void feed(StreamId id);
    asio::awaitable<void> flush();
    // Writes all of `buffers`, or throws timed_out when no progress for write_timeout.
    template <class Buffers>
    asio::awaitable<void> write_all(const Buffers& buffers);
    void reset_stalled_streams(Connection::Clock::time_point now);
    asio::awaitable<bool> send_file_frames();
    asio::awaitable<void> send_frame_with_sendfile(const std::array<std::uint8_t, 9>& header, int fd,
                                                   std::uint64_t offset, std::uint64_t length);
    void append_frame_from_file(const std::array<std::uint8_t, 9>& header, int fd, std::uint64_t offset,
                                std::uint64_t length);
    asio::awaitable<bool> negotiate();  // TLS: handshake, then true if ALPN chose h2

    Stream stream_;
    std::vector<std::uint8_t> file_buffer_;  // TLS: a burst of file frames is read here, then encrypted
    asio::steady_timer timer_;
    const SessionContext& context_;
    Connection conn_;
    std::vector<Event> events_;
    std::unordered_map<StreamId, Incoming> incoming_;
    std::unordered_map<StreamId, Outgoing> outgoing_;
    std::deque<FileJob> files_;
    // Coroutine handlers' streams: a few at a time (at most max_concurrent_streams), searched
    // linearly, no allocation per request.
    std::vector<std::pair<StreamId, std::shared_ptr<H2Exchange>>> exchanges_;
    std::vector<hpack::HeaderField> field_scratch_;
    bool waiting_for_input_ = false;  // wake() may interrupt the read
    std::string peer_;  // the client's address, for the access log
    bool shutdown_requested_ = false;
    bool shutting_down_ = false;
};

}  // namespace h2::runtime
