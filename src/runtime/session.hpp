// One HTTP/2 connection over a socket: the coroutine that owns the engine (internal header).
#pragma once

#include <boost/asio.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include <atomic>
#include <deque>
#include <memory>
#include <unordered_map>

#include "h2/connection/connection.hpp"
#include "h2/runtime/server.hpp"

namespace h2::runtime {

namespace asio = boost::asio;

struct SessionContext {
    const ServerOptions& options;
    const Handler& handler;
    std::atomic<int>& live_sessions;  // across all workers, for the graceful drain
};

class Session : public std::enable_shared_from_this<Session> {
public:
    Session(asio::ip::tcp::socket socket, const SessionContext& context);
    ~Session();
    asio::awaitable<void> run();
    // From the session's own executor: GOAWAY and finish the streams in flight.
    void request_shutdown();

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
    };

    asio::awaitable<bool> sniff(boost::beast::flat_buffer& in);
    void handle(const Event& e);
    void respond(StreamId id, Incoming& in);
    void feed(StreamId id);
    asio::awaitable<void> flush();
    asio::awaitable<bool> send_file_frames();
    asio::awaitable<void> sendfile_all(int fd, std::uint64_t offset, std::uint64_t length);

    asio::ip::tcp::socket socket_;
    asio::steady_timer timer_;
    const SessionContext& context_;
    Connection conn_;
    std::vector<Event> events_;
    std::unordered_map<StreamId, Incoming> incoming_;
    std::unordered_map<StreamId, Outgoing> outgoing_;
    std::deque<FileJob> files_;
    bool shutdown_requested_ = false;
    bool shutting_down_ = false;
};

}  // namespace h2::runtime
