// Coroutine handlers on the runtime's side (internal header): running one exchange, and an
// HTTP/2 stream as an ExchangeIo (a StreamHandle: commands to the connection's owner).
#pragma once

#include <boost/asio.hpp>

#include <memory>
#include <string>

#include "context.hpp"
#include "h2/runtime/handler.hpp"
#include "stream_handle.hpp"

namespace h2::runtime {

namespace asio = boost::asio;

// Runs the coroutine handler (or serves the metrics page) for one exchange: finishes what the
// handler left open, turns an exception into a 500 or an abort, counts the response and writes
// the access log line.
asio::awaitable<void> serve_exchange(const SessionContext& context, ServerRequest& request, ExchangeIo& io,
                                     std::string_view protocol);

// One HTTP/2 request stream served by a coroutine handler. Its operations may be called from
// any executor: they run on the connection's (the handler's own coroutine is spawned there),
// where they leave commands for the connection's owner.
class H2Exchange final : public StreamHandle, public ExchangeIo {
public:
    H2Exchange(HandleHost& host, StreamId id, const asio::any_io_executor& executor, std::chrono::seconds stall);

    ServerRequest request{*this};
    // Bound to the handler's coroutine (co_spawn): emitted when the stream goes away. The
    // spawned thread uses it until it has wound down, after its completion handler: the
    // exchange is released from a post() then (ServerSession::start_exchange).
    asio::cancellation_signal cancel;

    void on_gone() noexcept override;

    asio::awaitable<std::span<const std::uint8_t>> read_body() override;
    asio::awaitable<void> write_head(int status, std::span<const FieldView> fields, bool end) override;
    asio::awaitable<void> write_body(std::span<const std::uint8_t> data, bool end) override;
    asio::awaitable<void> write_file(FileRange file) override;
    asio::awaitable<void> write_trailers(const FieldVector& trailers) override;
    asio::awaitable<int> open_tunnel(std::span<const FieldView> fields) override;
    bool gone() const noexcept override { return StreamHandle::gone(); }
    void abort() noexcept override { reset(ErrorCode::internal_error); }
    void give_up() noexcept override { reset(ErrorCode::cancel); }

private:
    asio::awaitable<std::span<const std::uint8_t>> read_with_trailers();

    bool cancelled_ = false;
};

}  // namespace h2::runtime
