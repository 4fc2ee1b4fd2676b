// A scripted HTTP/2 server over TCP on 127.0.0.1 for client tests: the engine's server role
// driven with poll(2) on a thread of its own; each request is handed to the test's callback,
// which answers, resets, refuses or sends GOAWAY through the engine. Connections are numbered
// in the order they arrive.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "h2/connection/connection.hpp"

namespace h2::test {

class ScriptedServer {
public:
    struct Request {
        int connection = 0;  // 0 for the first connection
        int fd = -1;         // its socket (a script may write octets of its own)
        StreamId stream = 0;
        std::vector<std::pair<std::string, std::string>> fields;
        std::string body;
        std::string field(std::string_view name) const {
            for (const auto& [n, v] : fields) {
                if (n == name) return v;
            }
            return {};
        }
    };
    // Called once a request has arrived whole (headers and body), or at its headers when
    // answer_on_headers is set (before the server thread sees the request).
    using OnRequest = std::function<void(Connection&, const Request&)>;
    std::atomic<bool> answer_on_headers{false};

    explicit ScriptedServer(OnRequest on_request, Config config = {})
        : on_request_(std::move(on_request)), config_(config) {
        listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
        const int one = 1;
        ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(listener_, reinterpret_cast<sockaddr*>(&a), sizeof a);
        ::listen(listener_, 16);
        socklen_t len = sizeof a;
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&a), &len);
        port_ = ntohs(a.sin_port);
        thread_ = std::thread([this] { loop(); });
    }
    ~ScriptedServer() {
        stop_ = true;
        thread_.join();
        for (auto& c : conns_) ::close(c->fd);
        ::close(listener_);
    }
    ScriptedServer(const ScriptedServer&) = delete;
    ScriptedServer& operator=(const ScriptedServer&) = delete;

    std::uint16_t port() const { return port_; }
    int connections() const { return accepted_.load(); }

    // The octets the engine has, onto the socket (the callback may call it after submitting).
    static void flush(int fd, Connection& conn) {
        for (auto out = conn.pending_output(); !out.empty(); out = conn.pending_output()) {
            const ssize_t n = ::send(fd, out.data(), out.size(), MSG_NOSIGNAL);
            if (n <= 0) return;
            conn.consume_output(static_cast<std::size_t>(n));
        }
    }

private:
    struct Conn {
        int fd = -1;
        int index = 0;
        Connection engine;
        std::map<StreamId, Request> requests;
        bool done = false;
    };

    void loop() {
        while (!stop_) {
            std::vector<pollfd> fds{{listener_, POLLIN, 0}};
            for (auto& c : conns_) fds.push_back({c->done ? -1 : c->fd, POLLIN, 0});
            if (::poll(fds.data(), fds.size(), 20) <= 0) continue;
            if (fds[0].revents & POLLIN) accept_one();
            for (std::size_t i = 1; i < fds.size(); ++i) {
                if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) serve(*conns_[i - 1]);
            }
        }
    }

    void accept_one() {
        const int fd = ::accept(listener_, nullptr, nullptr);
        if (fd < 0) return;
        auto c = std::make_unique<Conn>(Conn{fd, accepted_++, Connection::server(config_), {}, false});
        flush(fd, c->engine);
        conns_.push_back(std::move(c));
    }

    void serve(Conn& c) {
        std::uint8_t buf[65536];
        const ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
        if (n <= 0) {
            c.done = true;
            return;
        }
        events_.clear();
        c.engine.receive({buf, static_cast<std::size_t>(n)}, events_);
        for (const Event& e : events_) {
            if (const auto* h = std::get_if<HeadersReceived>(&e)) {
                Request& r = c.requests[h->stream];
                r.connection = c.index;
                r.fd = c.fd;
                r.stream = h->stream;
                for (const auto& f : h->fields) r.fields.emplace_back(f.name, f.value);
                if (h->end_stream || answer_on_headers) finish(c, h->stream);
            } else if (const auto* d = std::get_if<DataReceived>(&e)) {
                if (answer_on_headers) continue;  // answered already
                auto& body = c.requests[d->stream].body;
                body.append(reinterpret_cast<const char*>(d->data.data()), d->data.size());
                if (d->end_stream) finish(c, d->stream);
            }
        }
        flush(c.fd, c.engine);
    }

    void finish(Conn& c, StreamId id) {
        const Request r = c.requests[id];
        c.requests.erase(id);
        on_request_(c.engine, r);
    }

    OnRequest on_request_;
    Config config_;
    int listener_ = -1;
    std::uint16_t port_ = 0;
    std::atomic<bool> stop_{false};
    std::atomic<int> accepted_{0};
    std::vector<std::unique_ptr<Conn>> conns_;
    std::vector<Event> events_;
    std::thread thread_;
};

// Answers `r` with a 200 and `body`.
inline void respond(Connection& conn, const ScriptedServer::Request& r, std::string_view body) {
    const hpack::HeaderField head[] = {{":status", "200"}};
    conn.submit_response(r.stream, head, body.empty());
    if (!body.empty())
        conn.submit_data(r.stream, {reinterpret_cast<const std::uint8_t*>(body.data()), body.size()}, true);
}

// GOAWAY naming `last` as the last stream processed, whatever the engine saw (a raw frame: the
// engine itself would name the last stream it received).
inline void goaway(Connection& conn, StreamId last, ErrorCode code) {
    const auto c = static_cast<std::uint32_t>(code);
    const std::uint8_t payload[8] = {static_cast<std::uint8_t>(last >> 24), static_cast<std::uint8_t>(last >> 16),
                                     static_cast<std::uint8_t>(last >> 8),  static_cast<std::uint8_t>(last),
                                     static_cast<std::uint8_t>(c >> 24),    static_cast<std::uint8_t>(c >> 16),
                                     static_cast<std::uint8_t>(c >> 8),     static_cast<std::uint8_t>(c)};
    conn.submit_extension_frame(7, 0, 0, payload);
}

}  // namespace h2::test
