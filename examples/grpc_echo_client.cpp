// A gRPC client on libh2 calling the echo.Echo methods of examples/grpc_echo_server (or any
// server with the same methods: tests/interop/grpc_interop.py runs a python3-grpcio one):
//   grpc_echo_client PORT
// Calls the four kinds (bidirectional also turn by turn), an error, a deadline; prints one line each and exits 0 when
// every answer is the expected one.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <cstdio>
#include <string>
#include <vector>

#include "h2/runtime/grpc_client.hpp"

namespace asio = boost::asio;
namespace grpc = h2::runtime::grpc;

namespace {

int failures = 0;

void expect(bool ok, const char* what, const grpc::CallResult& r) {
    std::printf("%s %s (status %d %s, %zu replies)\n", ok ? "ok  " : "FAIL", what, static_cast<int>(r.status),
                r.message.c_str(), r.replies.size());
    failures += ok ? 0 : 1;
}

// (Arguments are named vectors, not braced lists: GCC 12 miscompiles braced temporaries in a
// co_await expression.)
asio::awaitable<void> run(h2::runtime::Client& client, std::string base) {
    using std::chrono::milliseconds;
    using Messages = std::vector<std::string>;
    const Messages hello{"hello"}, five{"5"}, abc{"a", "b", "c"}, x{"x"};
    auto r = co_await grpc::call(client, base + "/echo.Echo/Unary", hello, milliseconds(5000));
    expect(r.status == grpc::Status::ok && r.replies == hello, "unary", r);
    r = co_await grpc::call(client, base + "/echo.Echo/ServerStream", five, milliseconds(5000));
    const Messages counted{"0", "1", "2", "3", "4"};
    expect(r.status == grpc::Status::ok && r.replies == counted, "server streaming", r);
    r = co_await grpc::call(client, base + "/echo.Echo/ClientStream", abc, milliseconds(5000));
    const Messages joined{"abc"};
    expect(r.status == grpc::Status::ok && r.replies == joined, "client streaming", r);
    Messages many;
    for (int i = 0; i < 1000; ++i) many.push_back("m" + std::to_string(i));
    r = co_await grpc::call(client, base + "/echo.Echo/Bidi", many, milliseconds(20000));
    expect(r.status == grpc::Status::ok && r.replies == many, "bidirectional, 1000 messages", r);
    // Ping-pong: each message written only after the previous reply came (grpc::ClientCall).
    auto call = grpc::ClientCall::start(client, base + "/echo.Echo/Bidi", milliseconds(5000));
    bool in_turn = true;
    for (int i = 0; i < 5 && in_turn; ++i) {
        co_await call.write("ping " + std::to_string(i));
        const auto reply = co_await call.read();
        in_turn = reply && *reply == "ping " + std::to_string(i);
    }
    co_await call.close_writes();
    const bool ended = !(co_await call.read());
    grpc::CallResult turns;
    turns.status = call.status();
    turns.message = call.message();
    expect(in_turn && ended && call.status() == grpc::Status::ok, "bidirectional ping-pong, 5 turns", turns);
    r = co_await grpc::call(client, base + "/echo.Echo/Fail", x, milliseconds(5000));
    expect(r.status == grpc::Status::invalid_argument && r.message == "bad request: 100% wrong", "error status", r);
    r = co_await grpc::call(client, base + "/echo.Echo/Slow", x, milliseconds(300));
    expect(r.status == grpc::Status::deadline_exceeded, "deadline", r);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: grpc_echo_client PORT\n");
        return 2;
    }
    asio::io_context io;
    h2::runtime::ClientOptions options;
    options.prior_knowledge = true;  // gRPC over cleartext is HTTP/2 with prior knowledge
    h2::runtime::Client client(io.get_executor(), options);
    const std::string base = std::string("http://127.0.0.1:") + argv[1];
    asio::co_spawn(io, run(client, base), [&](std::exception_ptr e) {
        if (e) {
            try {
                std::rethrow_exception(e);
            } catch (const std::exception& x) {
                std::printf("FAIL %s\n", x.what());
                ++failures;
            }
        }
        client.shutdown();
    });
    io.run();
    return failures == 0 ? 0 : 1;
}
