// gRPC over the coroutine handler API (server side): the 5-octet length-prefixed framing,
// content-type application/grpc, grpc-status / grpc-message trailers (trailers-only when no
// message was sent), grpc-timeout deadlines that cancel the method, message size limits.
// Messages are bytes: no protobuf dependency (serialise with whatever you like).
//
//   h2::runtime::grpc::Service echo;
//   echo.add("/echo.Echo/Unary", [](grpc::ServerCall& call) -> boost::asio::awaitable<void> {
//       auto message = co_await call.read();            // nullopt: the client's stream ended
//       if (!message) throw grpc::Error(grpc::Status::invalid_argument, "no request");
//       co_await call.write(*message);
//   });                                                  // returning: grpc-status 0
//   Server server(options, [&](ServerRequest& q, ResponseWriter& r) { return echo.handle(q, r); });
#pragma once

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

#include "h2/runtime/handler.hpp"

namespace h2::runtime::grpc {

// gRPC status codes (grpc/doc/statuscodes.md).
enum class Status : int {
    ok = 0,
    cancelled = 1,
    unknown = 2,
    invalid_argument = 3,
    deadline_exceeded = 4,
    not_found = 5,
    already_exists = 6,
    permission_denied = 7,
    resource_exhausted = 8,
    failed_precondition = 9,
    aborted = 10,
    out_of_range = 11,
    unimplemented = 12,
    internal = 13,
    unavailable = 14,
    data_loss = 15,
    unauthenticated = 16,
};

// Thrown by a method (or by ServerCall) to end the call with this status and message.
class Error : public std::runtime_error {
public:
    Error(Status s, const std::string& message) : std::runtime_error(message), status(s) {}
    Status status;
};

// grpc-timeout (e.g. "100m", "5S"): nullopt when absent or malformed.
std::optional<std::chrono::nanoseconds> parse_timeout(std::string_view value) noexcept;
// grpc-message is percent-encoded: printable ASCII other than '%' is kept as is.
std::string encode_message(std::string_view text);

struct Limits {
    std::size_t max_receive_message = 4 * 1024 * 1024;  // grpc's default: RESOURCE_EXHAUSTED above
    std::size_t max_send_message = 4 * 1024 * 1024;
};

// One call, for the method: its request, the client's messages, and the replies.
class ServerCall {
public:
    ServerCall(ServerRequest& request, ResponseWriter& response, const Limits& limits) noexcept
        : request_(request), response_(response), limits_(limits) {}

    // The next message from the client; nullopt once its stream has ended. Throws Error
    // (resource_exhausted above the size limit, internal for a truncated or compressed one).
    boost::asio::awaitable<std::optional<std::string>> read();
    // One message to the client (the response head goes first, once).
    boost::asio::awaitable<void> write(std::string_view message);

    const ServerRequest& request() const noexcept { return request_; }
    std::string_view metadata(std::string_view name) const noexcept { return request_.field(name); }
    bool head_sent() const noexcept { return response_.head_sent(); }

private:
    ServerRequest& request_;
    ResponseWriter& response_;
    const Limits& limits_;
    std::string pending_;  // octets read; those before head_ are consumed
    std::size_t head_ = 0;
    bool ended_ = false;
};

using Method = std::function<boost::asio::awaitable<void>(ServerCall&)>;

// Methods by path ("/package.Service/Method"). handle() serves one request: an unknown method
// gets UNIMPLEMENTED, a request that is not gRPC (content-type) a 415; a method's exception
// becomes its status (Error) or UNKNOWN; the grpc-timeout deadline cancels the method and
// answers DEADLINE_EXCEEDED.
class Service {
public:
    explicit Service(Limits limits = {}) : limits_(limits) {}
    void add(std::string path, Method method) { methods_[std::move(path)] = std::move(method); }
    bool has(std::string_view path) const { return methods_.find(std::string(path)) != methods_.end(); }

    boost::asio::awaitable<void> handle(ServerRequest& request, ResponseWriter& response) const;

private:
    Limits limits_;
    std::unordered_map<std::string, Method> methods_;
};

}  // namespace h2::runtime::grpc
