// A WebSocket client on libh2: over HTTP/2 (RFC 8441) when the server allows it, else over
// HTTP/1.1. Sends each MESSAGE and prints the echo; "@N" sends N binary octets instead and
// checks they come back intact.
//   websocket_client [--ca FILE] [--prior-knowledge] URL MESSAGE...    (URL: ws:// or wss://)
#include <boost/asio.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <cstdio>
#include <string>
#include <vector>

#include "h2/runtime/client.hpp"
#include "h2/runtime/websocket.hpp"

namespace asio = boost::asio;

asio::awaitable<void> run(h2::runtime::Client& client, std::string url, std::vector<std::string> messages) {
    auto ws = co_await h2::runtime::connect_websocket(client, std::move(url));
    std::printf("connected over %s\n", ws.next_layer().http2() ? "HTTP/2" : "HTTP/1.1");
    boost::beast::flat_buffer buffer;
    for (const auto& m : messages) {
        std::string out = m;
        const bool binary = m.size() > 1 && m[0] == '@';
        if (binary) {
            out.resize(std::stoul(m.substr(1)));
            for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<char>(i * 31 + i / 997);
        }
        ws.binary(binary);
        co_await ws.async_write(asio::buffer(out), asio::use_awaitable);
        co_await ws.async_read(buffer, asio::use_awaitable);
        const std::string back = boost::beast::buffers_to_string(buffer.data());
        buffer.clear();
        if (binary) {
            std::printf("binary %zu octets %s\n", out.size(), back == out ? "intact" : "DIFFER");
        } else {
            std::printf("%s\n", back.c_str());
        }
    }
    co_await ws.async_close(boost::beast::websocket::close_code::normal, asio::use_awaitable);
    std::printf("closed: %d\n", static_cast<int>(ws.reason().code));
}

int main(int argc, char** argv) {
    h2::runtime::ClientOptions options;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; ++i) {
        const std::string a = argv[i];
        if (a == "--ca" && i + 1 < argc) options.ca_file = argv[++i];
        else if (a == "--prior-knowledge") options.prior_knowledge = true;
        else return std::fprintf(stderr, "websocket_client: unknown option %s\n", a.c_str()), 2;
    }
    if (i >= argc)
        return std::fprintf(stderr, "usage: websocket_client [--ca FILE] [--prior-knowledge] URL MESSAGE...\n"), 2;
    const std::string url = argv[i++];
    std::vector<std::string> messages(argv + i, argv + argc);
    asio::io_context io;
    h2::runtime::Client client(io.get_executor(), options);
    int status = 0;
    asio::co_spawn(io, run(client, url, messages), [&](std::exception_ptr e) {
        if (e) {
            try {
                std::rethrow_exception(e);
            } catch (const std::exception& x) {
                std::fprintf(stderr, "websocket_client: %s\n", x.what());
            }
            status = 1;
        }
        client.shutdown();
    });
    io.run();
    return status;
}
