// A blocking HTTP/2 client over a TCP socket on 127.0.0.1, for runtime tests: the engine's
// client role driven with poll(2). Records what each stream received.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "h2/connection/connection.hpp"

namespace h2::test {

// `receive_buffer`: SO_RCVBUF set before connecting (0: the system's default).
inline int connect_loopback(std::uint16_t port, int receive_buffer = 0) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd >= 0 && receive_buffer > 0) ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        if (fd >= 0) ::close(fd);
        throw std::runtime_error("cannot connect to 127.0.0.1");
    }
    return fd;
}

class SocketClient {
public:
    using Fields = std::vector<std::pair<std::string, std::string>>;
    struct StreamLog {
        std::string status;
        Fields headers, trailers;
        std::string body;
        bool ended = false;
        std::optional<ErrorCode> reset;
    };

    explicit SocketClient(std::uint16_t port, Config config = {}, int receive_buffer = 0)
        : conn(Connection::client(config)), fd_(connect_loopback(port, receive_buffer)) {}
    ~SocketClient() { close(); }
    SocketClient(const SocketClient&) = delete;
    SocketClient& operator=(const SocketClient&) = delete;

    Connection conn;
    std::map<StreamId, StreamLog> streams;
    bool eof = false;

    static Fields request_fields(std::string method, std::string path) {
        return {{":method", std::move(method)},
                {":scheme", "http"},
                {":path", std::move(path)},
                {":authority", "127.0.0.1"}};
    }
    StreamId request(const Fields& fields, bool end_stream) {
        std::vector<hpack::HeaderField> v;
        for (const auto& [n, x] : fields) v.push_back({n, x});
        const StreamId id = conn.submit_request(v, end_stream).value;
        if (id == 0) throw std::runtime_error("submit_request failed");
        streams[id];
        return id;
    }
    // Sends `data`, pumping while the windows are shut, until all of it is taken or `timeout`
    // passes; returns how much was taken.
    std::size_t send_body(StreamId id, std::string_view data, bool end_stream,
                          std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
        const auto until = std::chrono::steady_clock::now() + timeout;
        std::size_t sent = 0;
        for (;;) {
            const std::string_view rest = data.substr(sent);
            sent += conn.submit_data(id, {reinterpret_cast<const std::uint8_t*>(rest.data()), rest.size()}, end_stream)
                        .value;
            pump_once(std::chrono::milliseconds(sent == data.size() ? 0 : 10));
            if (sent == data.size() || eof || std::chrono::steady_clock::now() >= until) return sent;
        }
    }
    void send_trailers(StreamId id, const Fields& fields) {
        std::vector<hpack::HeaderField> v;
        for (const auto& [n, x] : fields) v.push_back({n, x});
        conn.submit_trailers(id, v);
        pump_once(std::chrono::milliseconds(0));
    }
    // Pumps until `done()` or the timeout; returns done().
    bool pump_until(const std::function<bool()>& done, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
        const auto until = std::chrono::steady_clock::now() + timeout;
        while (!done()) {
            if (std::chrono::steady_clock::now() >= until || eof) return done();
            pump_once(std::chrono::milliseconds(10));
        }
        return true;
    }
    void pump_for(std::chrono::milliseconds d) {
        pump_until([] { return false; }, d);
    }
    bool response_complete(StreamId id) {
        return pump_until([&] { return streams[id].ended || streams[id].reset.has_value(); });
    }
    // Every one of `ids` ended or was reset within `timeout`.
    bool responses_complete(const std::vector<StreamId>& ids,
                            std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
        return pump_until(
            [&] {
                for (StreamId id : ids) {
                    if (!streams[id].ended && !streams[id].reset.has_value()) return false;
                }
                return true;
            },
            timeout);
    }
    void close() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

    // Writes what the engine has, reads what arrived within `wait`, handles the events.
    void pump_once(std::chrono::milliseconds wait) {
        if (fd_ < 0) return;
        for (auto out = conn.pending_output(); !out.empty(); out = conn.pending_output()) {
            const ssize_t n = ::send(fd_, out.data(), out.size(), MSG_NOSIGNAL);
            if (n <= 0) {
                eof = true;
                return;
            }
            conn.consume_output(static_cast<std::size_t>(n));
        }
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(wait.count())) <= 0) return;
        std::uint8_t buf[65536];
        const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
        if (n <= 0) {
            eof = true;
            return;
        }
        events_.clear();
        conn.receive({buf, static_cast<std::size_t>(n)}, events_);
        for (const Event& e : events_) record(e);
        events_.clear();
        conn.poll_events(events_);
        for (const Event& e : events_) record(e);
    }

private:
    void record(const Event& e) {
        if (const auto* h = std::get_if<HeadersReceived>(&e)) {
            StreamLog& s = streams[h->stream];
            for (const auto& f : h->fields) {
                if (f.name == ":status") s.status = f.value;
                else (h->kind == HeadersKind::trailers ? s.trailers : s.headers).emplace_back(f.name, f.value);
            }
            if (h->end_stream) s.ended = true;
        } else if (const auto* d = std::get_if<DataReceived>(&e)) {
            StreamLog& s = streams[d->stream];
            s.body.append(reinterpret_cast<const char*>(d->data.data()), d->data.size());
            if (d->end_stream) s.ended = true;
        } else if (const auto* r = std::get_if<StreamReset>(&e)) {
            streams[r->stream].reset = r->code;
        }
    }

    int fd_;
    std::vector<Event> events_;
};

inline std::string field(const SocketClient::Fields& fields, std::string_view name) {
    for (const auto& [n, v] : fields) {
        if (n == name) return v;
    }
    return {};
}

}  // namespace h2::test
