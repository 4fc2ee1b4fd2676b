// One exchange (an HTTP/2 stream, or an HTTP/1.1 connection after 101) as an Asio stream: a
// model of AsyncReadStream and AsyncWriteStream, so that code written for sockets (Boost.Beast's
// websocket::stream among it) runs over one stream of a multiplexed connection. On the server
// it is made from a handler's request and response (below); the client's WebSockets
// (connect_websocket, h2/runtime/websocket.hpp) run over one too.
//
//   co_await res.open_tunnel();                       // 200 to an extended CONNECT
//   h2::runtime::StreamSocket socket(req, res, co_await boost::asio::this_coro::executor);
//   std::size_t n = co_await socket.async_read_some(boost::asio::buffer(buf), boost::asio::use_awaitable);
//
// - async_read_some gives what arrived (the request body's octets); the flow-control credit of
//   a piece goes back once the piece has been read whole. The end of the peer's side is
//   asio::error::eof.
// - async_write_some waits for the peer's window (the response body); small gathered buffers
//   are sent as one DATA frame.
// - async_shutdown_send() ends our side (END_STREAM); async_teardown (Beast's hook) does it and
//   then reads what is left of the peer's side (for at most 5 s).
// - A cancelled operation (per-operation cancellation, or close()) resets the stream
//   (RST_STREAM(CANCEL); HTTP/1.1: the connection is shut); later operations fail with
//   asio::error::connection_reset, as they do once the stream is reset by the peer.
//
// One read and one write may be outstanding at a time (Asio's rule for streams). The
// exchange's ServerRequest and ResponseWriter must outlive the socket: keep it inside the
// handler. Operations run on the connection's executor (get_executor()).
#pragma once

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/system/error_code.hpp>

#include <array>
#include <cstddef>
#include <memory>

#include "h2/runtime/handler.hpp"

namespace h2::runtime {

class Client;          // h2/runtime/client.hpp
struct ClientRequest;  // h2/runtime/client.hpp

class StreamSocket {
public:
    using executor_type = boost::asio::any_io_executor;
    using Completion = boost::asio::any_completion_handler<void(boost::system::error_code, std::size_t)>;
    static constexpr std::size_t kMaxBuffers = 16;  // a write_some takes at most this many
    using MutableBuffers = std::array<boost::asio::mutable_buffer, kMaxBuffers>;
    using ConstBuffers = std::array<boost::asio::const_buffer, kMaxBuffers>;

    // `executor`: the handler's (the connection's): co_await boost::asio::this_coro::executor.
    StreamSocket(ServerRequest& request, ResponseWriter& response, executor_type executor);
    StreamSocket(StreamSocket&&) noexcept = default;
    StreamSocket& operator=(StreamSocket&&) noexcept = default;
    ~StreamSocket();

    executor_type get_executor() const noexcept;

    template <class MutableBufferSequence, class Token>
    auto async_read_some(const MutableBufferSequence& buffers, Token&& token) {
        return boost::asio::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
            [this](auto handler, const MutableBufferSequence& b) {
                MutableBuffers list{};
                const std::size_t count = collect(b, list);
                start_read(list, count, Completion(std::move(handler)));
            },
            token, buffers);
    }

    template <class ConstBufferSequence, class Token>
    auto async_write_some(const ConstBufferSequence& buffers, Token&& token) {
        return boost::asio::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
            [this](auto handler, const ConstBufferSequence& b) {
                ConstBuffers list{};
                const std::size_t count = collect(b, list);
                start_write(list, count, Completion(std::move(handler)));
            },
            token, buffers);
    }

    // Ends our side: END_STREAM (HTTP/2), FIN (HTTP/1.1 cleartext). Completes with (ec, 0).
    template <class Token>
    auto async_shutdown_send(Token&& token) {
        return boost::asio::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
            [this](auto handler) { start_shutdown(false, Completion(std::move(handler))); }, token);
    }
    // Resets the stream (RST_STREAM(CANCEL)) unless it has ended; pending operations fail.
    void close() noexcept;
    bool is_open() const noexcept;
    // Runs over an HTTP/2 stream (false: an HTTP/1.1 connection).
    bool http2() const noexcept;

    // Internal: the handshake bridge of accept_websocket (h2/runtime/websocket.hpp). While set,
    // what is written is an HTTP/1.1 response head (Beast's), answered as the exchange's head.
    void translate_http1_head(bool on) noexcept;

    // Internal: the transport (src/runtime/stream_socket_core.hpp); the client's WebSockets
    // (connect_websocket) make theirs.
    struct Core;
    explicit StreamSocket(std::shared_ptr<Core> core) noexcept;

private:
    // The first kMaxBuffers buffers of a sequence; returns how many. (GCC 12 at -O3 unrolls the
    // loop past the end of a two-buffer sequence and warns about elements it never reaches.)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Warray-bounds"
    template <class Sequence, class Buffer>
    static std::size_t collect(const Sequence& sequence, std::array<Buffer, kMaxBuffers>& list) {
        std::size_t count = 0;
        const auto end = boost::asio::buffer_sequence_end(sequence);
        for (auto it = boost::asio::buffer_sequence_begin(sequence); it != end && count < kMaxBuffers; ++it) {
            list[count++] = Buffer(*it);
        }
        return count;
    }
#pragma GCC diagnostic pop

    friend void beast_close_socket(StreamSocket& s) noexcept { s.close(); }
    template <class Handler>
    friend void async_teardown(boost::beast::role_type, StreamSocket& s, Handler&& handler) {
        // Completes on the handler's executor, asynchronously; the wrapper drops the size.
        auto executor = boost::asio::get_associated_executor(handler, s.get_executor());
        s.start_shutdown(true, Completion(boost::asio::bind_executor(
                                   executor, [h = std::forward<Handler>(handler)](boost::system::error_code ec,
                                                                                  std::size_t) mutable { h(ec); })));
    }

    void start_read(const MutableBuffers& buffers, std::size_t count, Completion handler);
    void start_write(const ConstBuffers& buffers, std::size_t count, Completion handler);
    // `drain`: then read the peer's side to its end (a WebSocket's teardown).
    void start_shutdown(bool drain, Completion handler);

    std::shared_ptr<Core> core_;
};

// The client's side: a request whose body is what the socket writes (a body given in `request`
// is replaced) and whose response body is what it reads; returned once the response head has
// arrived. A 2xx answer's stream is read without read_timeout. HTTP/2 only: on an HTTP/1.1
// connection (https:// without h2, http:// without prior_knowledge) UnsupportedError, nothing
// sent. Other failures as Client::request's.
struct OpenedStream {
    int status = 0;
    FieldVector fields;
    StreamSocket socket;
};
boost::asio::awaitable<OpenedStream> open_stream(Client& client, ClientRequest request);

}  // namespace h2::runtime
