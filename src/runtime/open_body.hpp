// A client request body that stays open while the application writes (internal header): the
// client's BodyWriter is lent while its writer function runs, and the function returns (the
// request's END_STREAM) once the body is closed. The two-way client streams (open_stream,
// connect_websocket) and grpc::ClientCall write through one.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <memory>
#include <span>

#include "h2/runtime/client.hpp"

namespace h2::runtime {

class OpenBody {
public:
    explicit OpenBody(const boost::asio::any_io_executor& executor);
    // The request's body: writes go through it until close().
    static ClientBody body(std::shared_ptr<OpenBody> self);
    // Writes once the writer is lent (each write waits for the server's window); false, with
    // nothing written, when the body was closed or its stream went first. Throws what the
    // writer throws (the stream went away meanwhile).
    boost::asio::awaitable<bool> write(std::span<const std::uint8_t> octets);
    // No more octets: the writer function returns; a waiting write returns false.
    void close() noexcept;
    bool closed() const noexcept { return closed_; }

private:
    static boost::asio::awaitable<void> lend(std::shared_ptr<OpenBody> self, BodyWriter& writer);

    BodyWriter* writer_ = nullptr;
    bool gone_ = false;                  // the writer function ended
    bool closed_ = false;                // close() was called
    boost::asio::steady_timer ready_;    // the writer came or went (waiter: write)
    boost::asio::steady_timer closing_;  // (waiter: the writer function)
};

}  // namespace h2::runtime
