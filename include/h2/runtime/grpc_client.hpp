// gRPC calls on libh2's Client (h2/runtime/client.hpp): messages are bytes, as on the server
// side (h2/runtime/grpc.hpp).
//
//   const std::vector<std::string> messages{"one", "two"};   // named: GCC 12 miscompiles
//   auto r = co_await h2::runtime::grpc::call(client,         // braced lists in co_await
//                                             "http://127.0.0.1:50051/echo.Echo/Bidi", messages,
//                                             std::chrono::seconds(5));
//   if (r.status == grpc::Status::ok) for (auto& reply : r.replies) ...
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

// grpc-message's percent-decoding.
std::string decode_message(std::string_view text);

}  // namespace h2::runtime::grpc
