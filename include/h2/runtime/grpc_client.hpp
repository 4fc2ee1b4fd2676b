// gRPC calls on libh2's Client (h2/runtime/client.hpp): messages are bytes, as on the server
// side (h2/runtime/grpc.hpp).
//
//   const std::vector<std::string> messages{"one", "two"};   // named: GCC 12 miscompiles
//   auto r = co_await h2::runtime::grpc::call(client,         // braced lists in co_await
//                                             "http://127.0.0.1:50051/echo.Echo/Bidi", messages,
//                                             std::chrono::seconds(5));
//   if (r.status == grpc::Status::ok) for (auto& reply : r.replies) ...
//
// grpc::ClientCall (below) writes messages while replies arrive.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "h2/runtime/client.hpp"
#include "h2/runtime/grpc.hpp"

namespace h2::runtime::grpc {

struct CallResult {
    Status status = Status::unknown;
    std::string message;               // grpc-message, decoded
    std::vector<std::string> replies;  // every message the server sent
    FieldVector trailers;              // the trailers (or the trailers-only response's fields)
};

// One call to the method at `url` (scheme, authority and "/package.Service/Method"): sends
// `requests` as its messages (one for unary and server-streaming calls), reads every reply,
// and returns them with the call's status. `timeout` goes out as grpc-timeout. A reply above
// limits.max_receive_message ends the call with RESOURCE_EXHAUSTED. Transport failures are the
// Client's exceptions (ClientError).
boost::asio::awaitable<CallResult> call(Client& client, std::string url, std::vector<std::string> requests,
                                        std::optional<std::chrono::milliseconds> timeout = std::nullopt,
                                        Limits limits = {});

// A call whose messages are written while its replies arrive (bidirectional and client
// streaming, as they come): the request head goes out at start(). Calls hop onto the client's
// executor; one write and one read at a time. Move-only; dropping an unfinished call cancels it.
//
//   auto call = grpc::ClientCall::start(client, url, std::chrono::seconds(5));
//   co_await call.write("ping");
//   auto reply = co_await call.read();       // nullopt: the call ended, see status()
//   co_await call.close_writes();            // END_STREAM: the server's stream of messages ends
//   while (co_await call.read()) {}
//   if (call.status() == grpc::Status::ok) ...
class ClientCall {
public:
    static ClientCall start(Client& client, std::string url,
                            std::optional<std::chrono::milliseconds> timeout = std::nullopt, Limits limits = {});
    // The message, once the server's window has taken it. Throws when the call's stream is gone
    // (a ClientError when the request failed; read() reports why the stream went).
    boost::asio::awaitable<void> write(std::string message);
    // No more messages (END_STREAM).
    boost::asio::awaitable<void> close_writes();
    // The next reply; nullopt once the call has ended: status(), message() and trailers() are
    // set then (RESOURCE_EXHAUSTED for a reply above limits.max_receive_message, after which
    // the stream is cancelled). Transport failures throw ClientError.
    boost::asio::awaitable<std::optional<std::string>> read();
    // Cancels the call (RST_STREAM(CANCEL)).
    void cancel() noexcept;

    Status status() const noexcept;
    const std::string& message() const noexcept;
    const FieldVector& trailers() const noexcept;

    ClientCall(ClientCall&&) noexcept = default;
    ClientCall& operator=(ClientCall&&) noexcept = default;
    ~ClientCall();

    struct State;

private:
    explicit ClientCall(std::shared_ptr<State> s) : state_(std::move(s)) {}
    std::shared_ptr<State> state_;
};

// grpc-message's percent-decoding.
std::string decode_message(std::string_view text);

}  // namespace h2::runtime::grpc
