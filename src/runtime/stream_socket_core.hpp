// What a StreamSocket runs on (internal header): a core per kind of transport. The server's
// exchange (stream_socket.cpp), the client's HTTP/2 stream and a plain connection of its own
// (client_websocket.cpp). Each operation is a coroutine on the core's executor; it never throws
// (failures are error codes, as Asio's streams report them).
#pragma once

#include <boost/asio/awaitable.hpp>

#include <span>
#include <string>

#include "h2/runtime/stream_socket.hpp"

namespace h2::runtime {

struct SocketResult {
    boost::system::error_code ec;
    std::size_t n = 0;
};

struct StreamSocket::Core {
    explicit Core(boost::asio::any_io_executor ex) : executor(std::move(ex)) {}
    virtual ~Core() = default;
    Core(const Core&) = delete;
    Core& operator=(const Core&) = delete;

    virtual boost::asio::awaitable<SocketResult> read_some(MutableBuffers buffers, std::size_t count) = 0;
    virtual boost::asio::awaitable<SocketResult> write_some(ConstBuffers buffers, std::size_t count) = 0;
    // Ends our side; `drain`: then reads the peer's side to its end (bounded in time).
    virtual boost::asio::awaitable<SocketResult> shutdown(bool drain) = 0;
    // Gives the transport up: RST_STREAM(CANCEL), or the connection shut. Pending operations fail.
    virtual void give_up() noexcept = 0;
    // Both sides ended normally (close() then has nothing to reset).
    virtual bool ended() const noexcept = 0;
    virtual bool http2() const noexcept = 0;
    virtual void translate_http1_head(bool) noexcept {}

    boost::asio::any_io_executor executor;
    int busy = 0;  // operations running
    bool closed = false;

protected:
    // For cores that read pieces (a body): the next one, empty at the end; throws when the
    // stream is gone.
    virtual boost::asio::awaitable<std::span<const std::uint8_t>> next_piece() {
        co_return std::span<const std::uint8_t>{};
    }
    // Copies what the pieces hold into the buffers (eof at their end; the error of a gone stream).
    boost::asio::awaitable<SocketResult> read_pieces(const MutableBuffers& buffers, std::size_t count);
    // Reads the pieces to their end, giving up after a few seconds; errors count as the end.
    boost::asio::awaitable<void> drain_pieces();

    std::span<const std::uint8_t> piece_;  // the unread rest of the last piece
    bool read_ended_ = false;
};

// Copies from `piece` into the buffers; advances `piece`; returns the octets copied.
std::size_t copy_into(std::span<const std::uint8_t>& piece, const StreamSocket::MutableBuffers& buffers,
                      std::size_t count) noexcept;
// The first non-empty buffer, or (when it is small and more follow) up to 64 KiB of them
// gathered into `scratch`: one write, one DATA frame. Empty when the buffers are.
std::span<const std::uint8_t> gather(const StreamSocket::ConstBuffers& buffers, std::size_t count,
                                     std::string& scratch);
// The error code of a failed operation's exception.
boost::system::error_code code_of(std::exception_ptr e) noexcept;

}  // namespace h2::runtime
