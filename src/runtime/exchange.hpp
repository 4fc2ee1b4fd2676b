// Coroutine handlers on the runtime's side (internal header): running one exchange, and the
// HTTP/2 stream as an ExchangeIo.
#pragma once

#include <boost/asio.hpp>

#include <memory>
#include <string>

#include "context.hpp"
#include "h2/connection/connection.hpp"
#include "h2/runtime/handler.hpp"

namespace h2::runtime {

namespace asio = boost::asio;

// Runs the coroutine handler (or serves the metrics page) for one exchange: finishes what the
// handler left open, turns an exception into a 500 or an abort, counts the response and writes
// the access log line.
asio::awaitable<void> serve_exchange(const SessionContext& context, ServerRequest& request, ExchangeIo& io,
                                     std::string_view protocol);

// What an HTTP/2 exchange needs from the session that owns the engine.
// The three digits of a status (100-999) for :status, without formatting.
inline std::string_view status_digits(int status, char (&out)[3]) noexcept {
    out[0] = static_cast<char>('0' + status / 100 % 10);
    out[1] = static_cast<char>('0' + status / 10 % 10);
    out[2] = static_cast<char>('0' + status % 10);
    return {out, 3};
}

// `list` made the header list of a response: :status, then `fields` (views: `code` and the
// fields must outlive its use).
inline std::vector<hpack::HeaderField>& head_fields(std::vector<hpack::HeaderField>& list, int status,
                                                    std::span<const FieldView> fields, char (&code)[3]) {
    list.clear();
    list.push_back({":status", status_digits(status, code)});
    for (const auto& [n, v] : fields) list.push_back({n, v});
    return list;
}

class StreamHost {
public:
    virtual Connection& connection() noexcept = 0;
    // The engine has output (or credit) to write: the session should flush soon.
    virtual void wake() noexcept = 0;
    // The file as the stream's remaining DATA, ending it (the session's sendfile path).
    virtual void send_file(StreamId id, FileRange file) = 0;
    virtual const SessionContext& context() const noexcept = 0;
    // A vector to build a header list in, filled and used without suspending in between.
    virtual std::vector<hpack::HeaderField>& field_scratch() noexcept = 0;

protected:
    ~StreamHost() = default;
};

// One HTTP/2 request stream served by a coroutine handler. Lives on the session's thread;
// the session forwards the stream's events, the handler reads and writes through ExchangeIo.
class H2Exchange final : public ExchangeIo {
public:
    H2Exchange(StreamHost& host, StreamId id, const asio::any_io_executor& executor);

    ServerRequest request{*this};
    // Bound to the handler's coroutine (co_spawn): emitted when the stream goes away. The
    // spawned thread uses it until it has wound down, after its completion handler: the
    // exchange is released from a post() then (start_exchange).
    asio::cancellation_signal cancel;

    // From the session.
    void on_data(std::span<const std::uint8_t> data, bool end_stream);
    void on_trailers(std::span<const hpack::HeaderField> fields);
    void on_writable() noexcept { signal_.cancel(); }
    void on_gone() noexcept;  // reset, or the connection ended
    // The handler is done: unread body octets are given back and later ones dropped.
    void complete();
    bool completed() const noexcept { return completed_; }
    void end_body() noexcept { body_ended_ = true; }

    asio::awaitable<std::span<const std::uint8_t>> read_body() override;
    asio::awaitable<void> write_head(int status, std::span<const FieldView> fields, bool end) override;
    asio::awaitable<void> write_body(std::span<const std::uint8_t> data, bool end) override;
    asio::awaitable<void> write_file(FileRange file) override;
    asio::awaitable<void> write_trailers(const FieldVector& trailers) override;
    bool gone() const noexcept override { return gone_; }
    void abort() noexcept override;

private:
    // Until the session signals; false when nothing happened for stream_stall_timeout (the
    // stream is then reset with CANCEL).
    asio::awaitable<bool> wait();
    void check() const;  // throws when gone
    void release_read();

    StreamHost& host_;
    StreamId id_;
    asio::steady_timer signal_;
    std::string pending_;  // received, not yet given to the handler
    std::string reading_;  // given to the handler by the last read_body()
    bool body_ended_ = false;
    bool gone_ = false;
    bool completed_ = false;
};

}  // namespace h2::runtime
