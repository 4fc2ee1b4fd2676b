// A gRPC echo server on libh2 (h2c, prior knowledge), messages as raw bytes:
//   grpc_echo_server [PORT]        (0 or none: any port; the port is printed)
// Methods of echo.Echo: Unary (the request back), ServerStream (request "N": N replies),
// ClientStream (all requests joined), Bidi (each request back as it comes), Fail
// (INVALID_ARGUMENT), Slow (answers after 10 s: for deadlines).
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cstdio>
#include <string>

#include "h2/runtime/grpc.hpp"
#include "h2/runtime/server.hpp"

namespace asio = boost::asio;
namespace grpc = h2::runtime::grpc;
using grpc::ServerCall;

namespace {

asio::awaitable<void> unary(ServerCall& call) {
    const auto request = co_await call.read();
    if (!request) throw grpc::Error(grpc::Status::invalid_argument, "no request");
    co_await call.write(*request);
}

asio::awaitable<void> server_stream(ServerCall& call) {
    const auto request = co_await call.read();
    const int n = request ? std::atoi(request->c_str()) : 0;
    for (int i = 0; i < n; ++i) co_await call.write(std::to_string(i));
}

asio::awaitable<void> client_stream(ServerCall& call) {
    std::string all;
    for (auto m = co_await call.read(); m; m = co_await call.read()) all += *m;
    co_await call.write(all);
}

asio::awaitable<void> bidi(ServerCall& call) {
    for (auto m = co_await call.read(); m; m = co_await call.read()) co_await call.write(*m);
}

asio::awaitable<void> fail(ServerCall&) {
    throw grpc::Error(grpc::Status::invalid_argument, "bad request: 100% wrong");
    co_return;
}

asio::awaitable<void> slow(ServerCall& call) {
    asio::steady_timer timer(co_await asio::this_coro::executor, std::chrono::seconds(10));
    co_await timer.async_wait(asio::use_awaitable);
    co_await call.write("too late");
}

}  // namespace

int main(int argc, char** argv) {
    grpc::Service echo;
    echo.add("/echo.Echo/Unary", unary);
    echo.add("/echo.Echo/ServerStream", server_stream);
    echo.add("/echo.Echo/ClientStream", client_stream);
    echo.add("/echo.Echo/Bidi", bidi);
    echo.add("/echo.Echo/Fail", fail);
    echo.add("/echo.Echo/Slow", slow);
    h2::runtime::ServerOptions options;
    options.host = "127.0.0.1";
    options.port = static_cast<std::uint16_t>(argc > 1 ? std::atoi(argv[1]) : 0);
    options.threads = 1;
    options.handle_signals = true;
    h2::runtime::Server server(
        options, [&echo](h2::runtime::ServerRequest& q, h2::runtime::ResponseWriter& r) { return echo.handle(q, r); });
    server.listen();
    std::printf("listening on %u\n", static_cast<unsigned>(server.port()));
    std::fflush(stdout);
    server.run();
}
