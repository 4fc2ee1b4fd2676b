// The conformance tests over a real socket (h2c or TLS with ALPN h2) to a running server,
// as h2spec runs them: the scripted peer's octets go to the socket, the server's come back.
// Target from the environment: LIBH2_CONFORMANCE_TARGET=h2c:PORT or tls:PORT (127.0.0.1).
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace h2::test {

class Wire {
public:
    // nullptr when no target is set (the tests then drive an engine in memory).
    static std::unique_ptr<Wire> from_environment() {
        const char* target = std::getenv("LIBH2_CONFORMANCE_TARGET");
        if (!target || !*target) return nullptr;
        const std::string t = target;
        const auto colon = t.find(':');
        if (colon == std::string::npos) throw std::runtime_error("LIBH2_CONFORMANCE_TARGET: h2c:PORT or tls:PORT");
        return std::make_unique<Wire>(t.substr(0, colon) == "tls",
                                      static_cast<std::uint16_t>(std::stoi(t.substr(colon + 1))));
    }

    Wire(bool tls, std::uint16_t port) {
        std::signal(SIGPIPE, SIG_IGN);
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
            throw std::runtime_error("cannot connect to 127.0.0.1:" + std::to_string(port));
        }
        if (!tls) return;
        ctx_ = SSL_CTX_new(TLS_client_method());
        static const unsigned char alpn[] = {2, 'h', '2'};
        SSL_CTX_set_alpn_protos(ctx_, alpn, sizeof alpn);
        ssl_ = SSL_new(ctx_);
        SSL_set_fd(ssl_, fd_);
        if (SSL_connect(ssl_) != 1) throw std::runtime_error("TLS handshake failed");
        const unsigned char* proto = nullptr;
        unsigned len = 0;
        SSL_get0_alpn_selected(ssl_, &proto, &len);
        if (len != 2 || proto[0] != 'h' || proto[1] != '2') throw std::runtime_error("ALPN did not select h2");
    }
    ~Wire() {
        if (ssl_) SSL_free(ssl_);
        if (ctx_) SSL_CTX_free(ctx_);
        if (fd_ >= 0) ::close(fd_);
    }
    Wire(const Wire&) = delete;
    Wire& operator=(const Wire&) = delete;

    // Writes everything (a peer that closed makes the rest vanish, as for h2spec).
    void write(std::span<const std::uint8_t> b) {
        while (!b.empty() && !eof_) {
            const long n = ssl_ ? SSL_write(ssl_, b.data(), static_cast<int>(b.size()))
                                : ::send(fd_, b.data(), b.size(), MSG_NOSIGNAL);
            if (n <= 0) {
                write_failed_ = true;
                return;
            }
            b = b.subspan(static_cast<std::size_t>(n));
        }
    }

    // What the server wrote until it was quiet for `quiet` (or closed the connection).
    std::vector<std::uint8_t> read_until_quiet() {
        std::vector<std::uint8_t> out;
        const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        for (;;) {
            if (eof_ || std::chrono::steady_clock::now() > give_up) return out;
            if (!(ssl_ && SSL_pending(ssl_) > 0)) {
                pollfd p{fd_, POLLIN, 0};
                if (::poll(&p, 1, static_cast<int>(quiet().count())) <= 0) return out;
            }
            std::uint8_t buf[16384];
            const long n = ssl_ ? SSL_read(ssl_, buf, sizeof buf) : ::recv(fd_, buf, sizeof buf, 0);
            if (n <= 0) {
                if (ssl_ && SSL_get_error(ssl_, static_cast<int>(n)) == SSL_ERROR_WANT_READ) continue;
                eof_ = true;
                return out;
            }
            out.insert(out.end(), buf, buf + n);
        }
    }

    // The server closed the connection (seen by a read).
    bool closed() const noexcept { return eof_; }

private:
    // How long the server may stay silent before its answer is taken as complete; under
    // sanitizers everything is slower.
    static std::chrono::milliseconds quiet() {
        const char* v = std::getenv("LIBH2_CONFORMANCE_QUIET_MS");
        return std::chrono::milliseconds(v ? std::atoi(v) : 100);
    }

    int fd_ = -1;
    SSL_CTX* ctx_ = nullptr;
    SSL* ssl_ = nullptr;
    bool eof_ = false;
    bool write_failed_ = false;
};

}  // namespace h2::test
