// The connection driver (internal header): the one owner of an h2::Connection, for both
// roles. One coroutine (run()) is the only caller of the engine. It loops:
//
//   1. results of the read and the write in flight (receive(); consume_output()),
//   2. the commands queued by stream handles (heads, data, trailers, bodies, resets, credit),
//   3. timers: the engine's, handshake, idle, write progress, stalled bodies, keepalive,
//   4. events (to handles, or to the role's policy: a server starts handlers on requests),
//   5. the next batch of output to the socket, and the next read,
//
// then waits until a read or write completes, a handle queues a command, or a deadline
// passes. The batch being written stays unchanged in the engine until it is consumed (the
// engine's output contract), so writes and submissions overlap safely.
#pragma once

#include <array>
#include <boost/asio.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <type_traits>
#include <vector>

#include "frame_trace.hpp"
#include "h2/connection/connection.hpp"
#include "stream_handle.hpp"
#include "tls_writer.hpp"
#include "write_plan.hpp"

namespace h2::runtime {

using Clock = std::chrono::steady_clock;

struct DriverOptions {
    // From the start of the connection until the peer's first SETTINGS (covers the TLS
    // handshake and the preface too: the deadline is computed once, when the socket opens).
    Clock::time_point handshake_deadline = Clock::time_point::max();
    std::chrono::seconds idle_timeout{20};          // no stream open: GOAWAY(NO_ERROR)
    std::chrono::seconds write_timeout{30};         // a write without progress: close
    std::chrono::seconds stream_stall_timeout{60};  // a body that does not move: RST_STREAM(CANCEL)
    // A PING this often (0: never); one unanswered for keepalive_timeout closes the
    // connection (a peer that vanished without a FIN or RST).
    std::chrono::seconds keepalive_interval{0};
    std::chrono::seconds keepalive_timeout{20};
    // Stop reading while this much output waits for a peer that does not read.
    std::size_t max_buffered_output = 1u << 20;
    // When set, each frame sent and received is described in a line (h2get -v).
    std::function<void(std::string_view)> trace;
    // Cleartext, and only when the io_context runs on one thread (the server's workers): the
    // connection reads into a 512-octet buffer of its own, and what does not fit into one
    // 64 KiB buffer per thread (the engine copies an unfinished frame, and handlers copy what
    // they keep), so an idle connection holds no touched pages of a 64 KiB buffer.
    bool read_into_thread_buffer = false;
};

// What the role adds to the driver: the server starts handlers, the client completes requests.
class DriverPolicy {
public:
    // A request (server), response or 1xx (client), or push promise fields; trailers are the
    // driver's (they go to the stream's handle).
    virtual void on_headers(const HeadersReceived& h) = 0;
    // Everything else the driver does not consume (settings, GOAWAY, PING ACKs, ...).
    virtual void on_event(const Event&) {}
    virtual void on_stream_reset(const StreamReset&) {}
    virtual void on_connection_error(const ConnectionError&) {}
    // DATA octets received on a stream (a client measures its bandwidth-delay product).
    virtual void on_data(StreamId, std::size_t) {}
    // A stream made no progress for stream_stall_timeout and is being reset (CANCEL): what held it.
    virtual void on_stall(StreamId, StallCause, std::chrono::seconds) {}
    // Commands a policy queues of its own (client: new requests), applied with the handles'.
    virtual void apply_commands() {}

protected:
    ~DriverPolicy() = default;
};

template <class Socket>
class Driver final : public HandleHost {
public:
    static constexpr bool tls = !std::is_same_v<Socket, boost::asio::ip::tcp::socket>;

    Driver(Socket& socket, Connection conn, DriverPolicy& policy, const DriverOptions& options);
    Driver(const Driver&) = delete;
    Driver& operator=(const Driver&) = delete;

    // The owner's loop, until the connection is done; `first` are octets read before (the
    // preface, or what followed an HTTP/1.1 upgrade). Closes the socket at the end.
    boost::asio::awaitable<void> run(std::span<const std::uint8_t> first);

    // For the policy (from its callbacks, on the owner's turn only).
    Connection& connection() noexcept { return conn_; }
    const Connection& connection() const noexcept { return conn_; }
    void attach(std::shared_ptr<StreamHandle> handle);
    StreamHandle* find_handle(StreamId id) noexcept;
    template <class F>
    void for_each_handle(F&& f) {
        for (const auto& h : handles_) f(*h);
    }
    // Why the loop ended on its own (a socket error, a deadline), empty otherwise.
    const std::string& failure() const noexcept { return failure_; }
    // The rest of a stream's body from `source`, DATA framed by the engine's scheduler.
    // False when the stream cannot send (it was reset meanwhile).
    bool send_body(StreamId id, std::shared_ptr<BodySource> source);
    std::vector<hpack::HeaderField>& field_scratch() noexcept { return field_scratch_; }
    const boost::asio::any_io_executor& executor() const noexcept { return executor_; }

    // From the owner's executor: GOAWAY (a server's gracefully, RFC 9113 §6.8), finish the
    // streams, close.
    void request_shutdown();
    void wake() noexcept;
    void queue(std::shared_ptr<StreamHandle> h) override;

private:
    void step();
    bool finished() const noexcept;
    boost::asio::awaitable<void> wait();
    Clock::time_point next_deadline(Clock::time_point now) const noexcept;
    void take_io_results(Clock::time_point now);
    void receive(std::span<const std::uint8_t> octets);
    void on_timers(Clock::time_point now);
    void reap_stalled_bodies(Clock::time_point now);
    StallCause stall_cause(StreamId id) const noexcept;
    void apply_queued();
    void apply(StreamHandle& h);
    void apply_command(StreamHandle& h);
    bool dispatch_pending_events();
    void dispatch(const Event& e);
    std::shared_ptr<StreamHandle> drop_stream(StreamId id);
    const std::shared_ptr<BodySource>& source_of(StreamId id);
    bool start_write(Clock::time_point now);
    bool continue_write(Clock::time_point now);
    void finish_write();
    void start_read();
    void read_now();  // read_into_thread_buffer: what the socket has now
    void read_into(boost::asio::mutable_buffer to);
    void receive_small_read();
    void close_socket() noexcept;
    void fail(std::string why);
    void trace_batch(const Connection::OutputBatch& batch);
    void end_streams() noexcept;

    Socket& socket_;
    Connection conn_;
    DriverPolicy& policy_;
    DriverOptions options_;
    boost::asio::any_io_executor executor_;
    boost::asio::steady_timer wake_;
    bool notified_ = false;
    bool waiting_ = false;

    static constexpr std::size_t kReadBufferSize = 64 * 1024;
    std::unique_ptr<std::uint8_t[]> read_buffer_;  // none with read_into_thread_buffer
    unsigned reads_in_a_row_ = 0;                  // read_into_thread_buffer: since the last yield
    bool read_ready_ = false;                      // read_into_thread_buffer: the socket may have more
    std::array<std::uint8_t, 512> small_;          // read_into_thread_buffer: the first octets of a read
    bool read_in_flight_ = false, read_done_ = false;
    boost::system::error_code read_error_;
    std::size_t read_size_ = 0;

    WritePlan plan_;
    std::vector<std::uint8_t> tls_buffer_;
    // Cleartext: file payloads of frames below kSendfileMin, read for one sendmsg per batch.
    static constexpr std::uint64_t kSendfileMin = 64 * 1024;
    std::vector<std::uint8_t> file_buffer_;
    std::optional<TlsWriter> tls_writer_;  // TLS: records of the batch being written
    bool write_in_flight_ = false, write_done_ = false;
    boost::system::error_code write_error_;
    std::size_t write_size_ = 0;  // engine octets of the batch being written
    Clock::time_point write_progress_{};

    std::vector<std::shared_ptr<StreamHandle>> handles_;  // a few (at most the stream limit)
    std::vector<std::shared_ptr<StreamHandle>> queued_;
    std::vector<std::shared_ptr<StreamHandle>> applying_;
    std::vector<std::pair<StreamId, std::shared_ptr<BodySource>>> sources_;
    std::vector<Event> events_;
    std::vector<hpack::HeaderField> field_scratch_;
    std::optional<FrameTrace> trace_;

    Clock::time_point last_activity_{};
    std::uint64_t streams_seen_ = 0;  // the engine's streams_opened at the last turn
    Clock::time_point next_keepalive_{};
    std::uint64_t keepalives_sent_ = 0;
    bool settings_received_ = false;
    bool shutdown_requested_ = false;
    bool fatal_ = false;  // stop now: the socket failed, a deadline passed
    std::string failure_;
};

}  // namespace h2::runtime
