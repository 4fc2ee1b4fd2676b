// Coroutine handlers (boost::asio::awaitable): the application API of the server runtime.
//
//   h2::runtime::Server server(options, [](ServerRequest& req, ResponseWriter& res)
//                                           -> boost::asio::awaitable<void> {
//       std::size_t n = 0;
//       for (auto piece = co_await req.body.read(); !piece.empty(); piece = co_await req.body.read())
//           n += piece.size();  // each read() gives the previous piece's flow-control credit back
//       co_await res.write_head(200, {{"content-type", "text/plain"}});
//       co_await res.write(std::to_string(n));  // waits while the peer's window is shut
//       co_await res.finish({{"x-count", std::to_string(n)}});  // trailers
//   });
//
// A handler runs on its connection's thread, one coroutine per request, as soon as the request
// header has arrived; the body streams in while it runs. The same handler serves HTTP/2 and
// HTTP/1.1 (where the body was read first, and a response without content-length is chunked,
// with its trailers in the last chunk).
//
// Cancellation: when the stream is reset (by the peer, or by the runtime for a stalled
// stream) or the connection ends, the handler's pending read or write throws
// boost::system::system_error and its other asynchronous waits get terminal cancellation.
// An exception from the handler becomes a 500 when no header was sent yet, otherwise
// RST_STREAM(INTERNAL_ERROR) on HTTP/2 (HTTP/1.1: the connection is closed); it is logged.
// A handler that returns without finishing its response: the response is finished for it
// (a 200 with an empty body if nothing was written).
#pragma once

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "h2/hpack/field.hpp"
#include "h2/runtime/fields.hpp"

namespace h2::runtime {

// The transport of one exchange (HTTP/2 stream or HTTP/1.1 request), implemented by the
// runtime. Handlers use it through RequestBody and ResponseWriter.
class ExchangeIo {
public:
    virtual ~ExchangeIo() = default;
    // The next piece of the request body, valid until the next call; empty at its end.
    virtual boost::asio::awaitable<std::span<const std::uint8_t>> read_body() = 0;
    virtual boost::asio::awaitable<void> write_head(int status, std::span<const FieldView> fields, bool end) = 0;
    virtual boost::asio::awaitable<void> write_body(std::span<const std::uint8_t> data, bool end) = 0;
    // The file as the rest of the body; ends the response.
    virtual boost::asio::awaitable<void> write_file(FileRange file) = 0;
    // Ends the response with trailers (HTTP/1.1 without chunking: they are dropped).
    virtual boost::asio::awaitable<void> write_trailers(const FieldVector& trailers) = 0;
    // Accepts a tunnel (extended CONNECT: 200 on HTTP/2; Upgrade: 101 on HTTP/1.1) with these
    // fields and returns the status sent. Afterwards write_body and read_body carry the
    // tunnel's octets both ways, and a read waits for the peer without a stall limit.
    virtual boost::asio::awaitable<int> open_tunnel(std::span<const FieldView> fields) = 0;
    // The exchange can no longer be answered (stream reset, connection gone).
    virtual bool gone() const noexcept = 0;
    // Ends a started response abnormally: RST_STREAM(INTERNAL_ERROR), or closing HTTP/1.1.
    virtual void abort() noexcept = 0;
    // The user gave up (an operation was cancelled): RST_STREAM(CANCEL), or closing HTTP/1.1.
    // Pending and later reads and writes fail.
    virtual void give_up() noexcept { abort(); }
};

class RequestBody {
public:
    explicit RequestBody(ExchangeIo& io) noexcept : io_(&io) {}
    // The next piece of the body (valid until the next call), empty once the body has ended.
    // Returns the flow-control credit of the previous piece to the peer.
    boost::asio::awaitable<std::span<const std::uint8_t>> read();
    // The rest of the body; throws std::length_error when it is longer than `limit`.
    boost::asio::awaitable<std::string> read_all(std::size_t limit);
    bool ended() const noexcept { return ended_; }

private:
    ExchangeIo* io_;
    bool ended_ = false;
};

struct ServerRequest {
    explicit ServerRequest(ExchangeIo& io) noexcept : body(io) {}

    std::string method, scheme, authority, path;
    std::string protocol;  // HTTP/2 extended CONNECT's :protocol (RFC 8441), e.g. "websocket"
    int version = 20;      // 20: HTTP/2; 11, 10: HTTP/1.1, HTTP/1.0
    FieldVector fields;    // regular fields, names in lower case, in order
    FieldVector trailers;  // the request's trailers, once body.read() has returned empty
    std::string peer;      // the client's address
    RequestBody body;

    std::string_view field(std::string_view name) const noexcept {
        for (const auto& [n, v] : fields) {
            if (n == name) return v;
        }
        return {};
    }
};

class ResponseWriter {
public:
    ResponseWriter(ExchangeIo& io, bool head_request) noexcept : io_(&io), head_request_(head_request) {}

    // The status and fields (names are sent in lower case); `end`: no body follows.
    boost::asio::awaitable<void> write_head(int status, FieldVector fields = {}, bool end = false);
    // The same from views (names must be in lower case already); nothing is copied.
    boost::asio::awaitable<void> write_head(int status, std::span<const FieldView> fields, bool end = false);
    // Body octets (a 200 head goes first if none was written). Returns once the runtime holds
    // them, waiting while the peer's flow-control window and the stream's buffer are full.
    // Dropped for HEAD requests.
    boost::asio::awaitable<void> write(std::span<const std::uint8_t> data);
    boost::asio::awaitable<void> write(std::string_view data) {
        return write(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(data.data()), data.size()));
    }
    // The file range as the rest of the body, ending the response: DATA frames inside reserved
    // flow-control windows, sendfile(2) on cleartext. Without a head, a 200 with the range's
    // content-length goes first.
    boost::asio::awaitable<void> send_file(FileRange file);
    // Ends the response, with trailers when given.
    boost::asio::awaitable<void> finish(FieldVector trailers = {});
    // write_head + write + finish, with a content-length field when `fields` has none (except
    // for 204 and 304).
    boost::asio::awaitable<void> respond(int status, FieldVector fields, std::string_view body);
    // Accepts a tunnel instead of answering: an extended CONNECT gets 200 (HTTP/2), an
    // Upgrade request 101 Switching Protocols with `fields` (HTTP/1.1; they name the protocol).
    // Then write() and the request body's read() carry the tunnel's octets, finish() ends our
    // direction (END_STREAM; on HTTP/1.1 the connection closes once the handler returns), and
    // a read waits for the peer as long as it takes. StreamSocket (h2/runtime/stream_socket.hpp)
    // makes an Asio stream of it; accept_websocket (h2/runtime/websocket.hpp) does all of it.
    boost::asio::awaitable<void> open_tunnel(std::span<const FieldView> fields = {});
    bool tunnel() const noexcept { return tunnel_; }
    // Gives the exchange up: RST_STREAM(CANCEL) (HTTP/1.1: the connection is shut). Pending
    // and later reads and writes of the exchange fail.
    void cancel() noexcept { io_->give_up(); }

    bool head_sent() const noexcept { return state_ != State::idle; }
    bool finished() const noexcept { return state_ == State::finished; }
    int status() const noexcept { return status_; }
    std::uint64_t body_octets() const noexcept { return octets_; }

private:
    enum class State : std::uint8_t { idle, body, finished };
    void expect_open(const char* what) const;

    ExchangeIo* io_;
    bool head_request_;
    State state_ = State::idle;
    bool tunnel_ = false;
    int status_ = 0;
    std::uint64_t octets_ = 0;
};

// A request head as the connection decoded it, for a QuickHandler: views, valid during the call.
struct RequestHead {
    std::string_view method, scheme, authority, path;
    std::span<const hpack::HeaderField> fields;  // regular fields, names in lower case

    std::string_view field(std::string_view name) const noexcept {
        for (const auto& f : fields) {
            if (f.name == name) return f.value;
        }
        return {};
    }
};

// An answer given at once, without a coroutine. The views must stay valid until the handler
// returns to the runtime, which copies what it needs right away (`keep` may hold their owner).
struct QuickResponse {
    int status = 200;                   // 200-999 (anything else hands the request to the coroutine handler)
    std::span<const FieldView> fields;  // names in lower case
    std::string_view body;              // ignored when `file` is set
    FileRange file;                     // the body, sent as for static files (sendfile(2))
    std::shared_ptr<const void> keep;
};

// Optional, beside a coroutine handler: called first for a body-less HTTP/2 request; returning
// true answers it with `response`, and no coroutine is started (static files, redirects: the
// hot path). Returning false hands the request to the coroutine handler.
using QuickHandler = std::function<bool(const RequestHead&, QuickResponse&)>;

// A coroutine handler. Holds any callable `awaitable<void>(ServerRequest&, ResponseWriter&)`;
// it must stay valid while the server runs (the server keeps this copy).
struct AsyncHandler {
    using Function = std::function<boost::asio::awaitable<void>(ServerRequest&, ResponseWriter&)>;

    template <class F>
    requires std::is_invocable_r_v<boost::asio::awaitable<void>, F&, ServerRequest&, ResponseWriter&> AsyncHandler(
        F f, QuickHandler q = {})
        : function(std::move(f)), quick(std::move(q)) {}  // NOLINT: implicit

    Function function;
    QuickHandler quick;
};

}  // namespace h2::runtime
