// One HTTP/2 stream as its user sees it (internal header): a handler's request and response
// (server), later a client's request. The user's coroutines run on the connection's
// executor; they never call the engine. They leave a command here and wait; the connection's
// owner (the Driver) applies commands at one point of its loop and reports back through this
// object's state:
//
//     socket -> engine -> events -> on_data / on_trailers / on_gone      (owner)
//     read / send_* -> command -> owner: apply -> engine -> socket        (user, then owner)
//
// A handle lives as long as its user or the driver holds it (shared_ptr). Once detached (its
// stream closed or reset, or the connection ended) it never touches the driver again.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "h2/connection/events.hpp"
#include "h2/runtime/fields.hpp"
#include "stall.hpp"
#include "write_plan.hpp"

namespace h2::runtime {

class StreamHandle;

// What a handle needs from the connection's owner.
class HandleHost {
public:
    // `h` has a command, a reset or credit to return: apply it at the next turn of the loop.
    virtual void queue(std::shared_ptr<StreamHandle> h) = 0;

protected:
    ~HandleHost() = default;
};

// Fields of a command, by reference (the user waits until the command is applied).
struct FieldsRef {
    std::span<const FieldView> views;
    const FieldVector* owned = nullptr;  // used instead of `views` when set

    template <class F>
    void for_each(F&& f) const {
        if (owned) {
            for (const auto& [n, v] : *owned) f(std::string_view(n), std::string_view(v));
        } else {
            for (const auto& [n, v] : views) f(n, v);
        }
    }
};

class StreamHandle : public std::enable_shared_from_this<StreamHandle> {
public:
    // A command from the user, applied by the owner.
    struct Command {
        enum class Kind : std::uint8_t { none, head, data, trailers, body };
        Kind kind = Kind::none;
        int status = 0;  // head: the response status (server)
        FieldsRef fields;
        std::span<const std::uint8_t> data;  // data: what the engine has not taken yet
        bool end = false;
        std::shared_ptr<BodySource> source;  // body
    };

    // Why the stream went away (what a client turns into its error).
    struct Ending {
        enum class Kind : std::uint8_t { none, reset, not_processed, stalled, connection };
        Kind kind = Kind::none;
        ErrorCode code = ErrorCode::no_error;  // reset
        Initiator initiator = Initiator::remote;
    };

    StreamHandle(HandleHost& host, StreamId id, const boost::asio::any_io_executor& executor,
                 std::chrono::seconds stall_timeout);
    virtual ~StreamHandle() = default;
    StreamHandle(const StreamHandle&) = delete;
    StreamHandle& operator=(const StreamHandle&) = delete;

    StreamId id() const noexcept { return id_; }
    const boost::asio::any_io_executor& executor() const noexcept { return executor_; }

    // ---- The user's side (coroutines on the connection's executor) ----------------------
    // The next piece of the inbound body, valid until the next call; empty once it ended.
    // Gives the previous piece's flow-control credit back. Throws once the stream is gone.
    boost::asio::awaitable<std::span<const std::uint8_t>> read();
    // Each returns once the owner has applied it: data once the engine took all of it (which
    // waits for the peer's window and the stream's buffer). Throw once the stream is gone;
    // a wait without progress for the stall timeout resets the stream (CANCEL).
    boost::asio::awaitable<void> send_head(int status, FieldsRef fields, bool end);
    boost::asio::awaitable<void> send_data(std::span<const std::uint8_t> data, bool end);
    boost::asio::awaitable<void> send_trailers(FieldsRef fields);
    // The rest of the body from `source` (a file or memory), ending the stream.
    boost::asio::awaitable<void> send_body(std::shared_ptr<BodySource> source);
    // RST_STREAM(code), applied by the owner; the stream is gone for the user at once.
    void reset(ErrorCode code) noexcept;
    // The user is done with the inbound body: unread octets are given back, later ones too.
    void discard_inbound() noexcept;
    // The stream became a tunnel (extended CONNECT): a read may wait for the peer as long as
    // it likes (the protocol inside has its own keepalive); writes keep their stall limit.
    void set_tunnel() noexcept { tunnel_ = true; }
    bool gone() const noexcept { return gone_; }
    const Ending& ending() const noexcept { return ending_; }
    bool inbound_ended() const noexcept { return inbound_ended_; }
    const FieldVector& trailers() const noexcept { return trailers_; }

    // ---- The owner's side ---------------------------------------------------------------
    void on_data(std::span<const std::uint8_t> data, bool end_stream);
    void on_trailers(std::span<const hpack::HeaderField> fields);
    void on_end_of_inbound() noexcept;  // END_STREAM on a HEADERS
    // The command may go on (StreamWritable): queue again.
    void on_writable();
    // The stream closed normally: no more events; later commands fail without the owner.
    void on_closed() noexcept;
    // Reset (either way) or the connection ended: pending and later operations throw.
    virtual void on_gone() noexcept;
    void on_reset(ErrorCode code, Initiator who) noexcept;
    void on_not_processed() noexcept;  // the peer did not process it (GOAWAY, never sent)

    Command& command() noexcept { return command_; }
    // The owner took part of a data command (progress) or all of a command (done).
    void command_progressed(std::size_t taken) noexcept;
    // The stall timeout passed while waiting for the request body (true) or to write.
    bool stalled_reading() const noexcept { return stalled_reading_; }
    void command_done() noexcept;
    std::uint32_t take_release() noexcept;
    std::optional<ErrorCode> take_reset() noexcept;
    bool queued = false;  // the owner's bookkeeping

protected:
    // Throws when the stream is gone.
    void check() const;
    // Until signalled; false after the stall timeout (the stream is then reset), which does
    // not apply when `limited` is false.
    boost::asio::awaitable<bool> wait(boost::asio::steady_timer& signal, bool limited = true);
    // A wait saw no progress for the stall timeout: RST_STREAM(CANCEL), remembered as stalled.
    void stalled(bool reading) noexcept;
    // A blocking operation starts its stall clock; `n` octets moved count towards progress.
    void begin_wait() noexcept;
    void moved(std::size_t n) noexcept;
    boost::asio::steady_timer& read_signal() noexcept { return read_signal_; }

private:
    boost::asio::awaitable<void> submit(Command c);
    void enqueue();
    void release_read() noexcept;

    HandleHost* host_;  // null once detached
    StreamId id_;
    boost::asio::any_io_executor executor_;
    std::chrono::seconds stall_timeout_;
    boost::asio::steady_timer read_signal_, write_signal_;
    Command command_;
    bool command_pending_ = false;
    std::optional<ErrorCode> reset_;
    std::uint32_t release_ = 0;  // credit to return
    std::string inbound_;        // received, not yet given to the user
    std::string reading_;        // given to the user by the last read()
    FieldVector trailers_;
    bool inbound_ended_ = false;
    bool discarding_ = false;
    bool gone_ = false;
    Ending ending_;
    std::chrono::steady_clock::time_point stall_since_{};
    std::size_t moved_ = 0;
    bool stalled_reading_ = false;
    bool tunnel_ = false;
};

}  // namespace h2::runtime
