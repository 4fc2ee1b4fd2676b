// A user's server, built against the installed tree with find_package(libh2 COMPONENTS
// runtime): a coroutine handler on 127.0.0.1, one HTTP/1.1 request over a plain socket, then
// a graceful shutdown.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <h2/runtime/handler.hpp>
#include <h2/runtime/server.hpp>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

namespace rt = h2::runtime;

int main() {
    rt::ServerOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.threads = 1;
    rt::Server server(options, [](rt::ServerRequest& req, rt::ResponseWriter& res) -> boost::asio::awaitable<void> {
        rt::FieldVector fields{{"content-type", "text/plain"}};
        co_await res.respond(200, std::move(fields), "installed " + req.path);
    });
    server.listen();
    std::thread runner([&] { server.run(); });

    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(server.port());
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    std::string reply;
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
        const std::string request = "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
        ::send(fd, request.data(), request.size(), 0);
        char buf[1024];
        for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) reply.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    server.shutdown(std::chrono::seconds(2));
    runner.join();
    const bool ok = reply.rfind("HTTP/1.1 200", 0) == 0 && reply.find("installed /hello") != std::string::npos;
    std::printf("server consumer %s\n", ok ? "ok" : reply.c_str());
    return ok ? 0 : 1;
}
