// Hello, world over HTTP/2 (h2c, prior knowledge or Upgrade) and HTTP/1.1 on one port:
//   hello_server [PORT]      (default 8080; 0: any, printed)   then: curl --http2-prior-knowledge
// A coroutine handler: the request's body is read as it comes, the answer written with one call.
#include <cstdio>
#include <string>

#include "h2/runtime/handler.hpp"
#include "h2/runtime/server.hpp"

namespace asio = boost::asio;
using h2::runtime::ResponseWriter;
using h2::runtime::ServerRequest;

asio::awaitable<void> hello(ServerRequest& request, ResponseWriter& response) {
    std::size_t body = 0;  // a POST's body, counted as it arrives (credit goes back as it is read)
    for (auto piece = co_await request.body.read(); !piece.empty(); piece = co_await request.body.read()) {
        body += piece.size();
    }
    std::string text = "hello, world: " + request.method + " " + request.path;
    if (body != 0) text += " with " + std::to_string(body) + " octets";
    text += "\n";
    h2::runtime::FieldVector fields{{"content-type", "text/plain"}};  // (named: GCC 12 and braced
    co_await response.respond(200, std::move(fields), text);          // lists in co_await)
}

int main(int argc, char** argv) {
    h2::runtime::ServerOptions options;
    options.port = static_cast<std::uint16_t>(argc > 1 ? std::atoi(argv[1]) : 8080);
    options.handle_signals = true;  // Ctrl-C: graceful shutdown
    h2::runtime::Server server(options, hello);
    server.listen();
    std::printf("listening on http://localhost:%u\n", static_cast<unsigned>(server.port()));
    std::fflush(stdout);
    server.run();
}
