// Streaming with libh2's client: uploads a file as the request body of a POST and streams the
// response body to standard output piece by piece (flow-control credit goes back as it reads).
//   stream_client URL [FILE]      e.g. stream_client http://127.0.0.1:8080/echo big.bin > copy
// Without FILE the request is a GET.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <cstdio>
#include <string>

#include "h2/runtime/client.hpp"

namespace asio = boost::asio;

asio::awaitable<void> fetch(h2::runtime::Client& client, std::string url, std::string file) {
    h2::runtime::ClientRequest request(file.empty() ? "GET" : "POST", std::move(url));
    if (!file.empty()) request.body = h2::runtime::ClientBody::file(std::move(file));
    auto response = co_await client.request(std::move(request));
    std::fprintf(stderr, "%s %d\n", response.protocol.c_str(), response.status);
    for (auto piece = co_await response.read(); !piece.empty(); piece = co_await response.read()) {
        std::fwrite(piece.data(), 1, piece.size(), stdout);
    }
}

int main(int argc, char** argv) {
    if (argc < 2 || argc > 3) {
        std::fprintf(stderr, "usage: stream_client URL [FILE]\n");
        return 2;
    }
    asio::io_context io;
    h2::runtime::Client client(io.get_executor());
    int status = 0;
    asio::co_spawn(io, fetch(client, argv[1], argc > 2 ? argv[2] : ""), [&](std::exception_ptr e) {
        if (e) {
            try {
                std::rethrow_exception(e);
            } catch (const std::exception& x) {
                std::fprintf(stderr, "stream_client: %s\n", x.what());
                status = 1;
            }
        }
        client.shutdown();
    });
    io.run();
    return status;
}
