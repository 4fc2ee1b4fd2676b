// The connection driver's timers and the transport handshake, over raw sockets and the
// blocking libh2 client: one deadline for the whole handshake, what a first line that is not
// HTTP gets, keepalive PINGs, bodies stalled behind a shut window; and what the server leaves
// alone in the process (signals).
#include <gtest/gtest.h>

#include <fcntl.h>
#include <atomic>
#include <boost/asio.hpp>

#include <csignal>
#include <cstdio>
#include <string>
#include <thread>

#include "running_server.hpp"
#include "socket_client.hpp"

namespace h2::test {
namespace {

namespace asio = boost::asio;
using runtime::ResponseWriter;
using runtime::ServerRequest;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

asio::awaitable<void> hello(ServerRequest&, ResponseWriter& res) { co_await res.respond(200, {}, "hello"); }

// Reads until the server closes the connection or `limit` passes. Returns what arrived and
// sets `closed_after` to the time the close was seen (or `limit`).
std::string read_until_closed(int fd, Clock::duration limit, Clock::duration& closed_after) {
    const auto start = Clock::now();
    std::string got;
    while (Clock::now() - start < limit) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 20) <= 0) continue;
        char buf[4096];
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) {
            closed_after = Clock::now() - start;
            return got;
        }
        got.append(buf, static_cast<std::size_t>(n));
    }
    closed_after = limit;
    return got;
}

constexpr std::string_view kPreface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

TEST(Handshake, OneDeadlineCoversAPrefaceSentOneOctetAtATime) {
    auto options = loopback();
    options.handshake_timeout = 1s;
    RunningServer server(hello, options);
    const int fd = connect_loopback(server.port());
    const auto start = Clock::now();
    bool closed = false;
    // 24 octets, one every 150 ms: 3.6 s in all, well beyond the deadline.
    for (std::size_t i = 0; i < kPreface.size() && !closed; ++i) {
        closed = ::send(fd, kPreface.data() + i, 1, MSG_NOSIGNAL) < 0;
        std::this_thread::sleep_for(150ms);
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 0) > 0) {
            char c;
            closed = ::recv(fd, &c, 1, MSG_PEEK) <= 0 || closed;
        }
    }
    const auto elapsed = Clock::now() - start;
    ::close(fd);
    EXPECT_TRUE(closed);
    EXPECT_LT(elapsed, 2500ms);
}

TEST(Handshake, APrefaceWithoutSettingsIsClosedAtTheSameDeadline) {
    auto options = loopback();
    options.handshake_timeout = 1s;
    RunningServer server(hello, options);
    const int fd = connect_loopback(server.port());
    ::send(fd, kPreface.data(), kPreface.size(), MSG_NOSIGNAL);
    Clock::duration closed_after{};
    const std::string got = read_until_closed(fd, 5s, closed_after);
    ::close(fd);
    EXPECT_GE(closed_after, 900ms);
    EXPECT_LT(closed_after, 2500ms);
    EXPECT_EQ(got.substr(3, 1), std::string(1, '\x04'));  // our SETTINGS went out
}

// h2spec http2/3.5/2: octets that are neither the preface nor an HTTP/1.x request line.
TEST(Handshake, AnInvalidPrefaceIsClosedWithoutAnHttp1Answer) {
    RunningServer server(hello);
    const int fd = connect_loopback(server.port());
    const std::string junk = "INVALID CONNECTION PREFACE\r\n\r\n";
    ::send(fd, junk.data(), junk.size(), MSG_NOSIGNAL);
    Clock::duration closed_after{};
    const std::string got = read_until_closed(fd, 5s, closed_after);
    ::close(fd);
    EXPECT_EQ(got, "");
    EXPECT_LT(closed_after, 1s);
}

TEST(Handshake, AnHttp1RequestWithABadTargetStillGets400) {
    RunningServer server(hello);
    const int fd = connect_loopback(server.port());
    const std::string bad = "GET /a b HTTP/1.1\r\nHost: x\r\n\r\n";
    ::send(fd, bad.data(), bad.size(), MSG_NOSIGNAL);
    Clock::duration closed_after{};
    const std::string got = read_until_closed(fd, 5s, closed_after);
    ::close(fd);
    EXPECT_EQ(got.rfind("HTTP/1.1 400", 0), 0u) << got;
}

// The nghttpx CVE-2026-58055 class: an Upgrade: h2c request with a body must not switch with
// its body taken for HTTP/2 frames. Declined: answered over HTTP/1.1, the body as a body.
TEST(Handshake, AnUpgradeRequestWithABodyIsNotSwitchedAndItsBodyStaysABody) {
    RunningServer server([](ServerRequest& req, ResponseWriter& res) -> asio::awaitable<void> {
        const std::string body = co_await req.body.read_all(1024);
        co_await res.respond(200, {}, "body:" + body);
    });
    const int fd = connect_loopback(server.port());
    const std::string smuggled(kPreface);
    const std::string request =
        "POST / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings, close\r\nUpgrade: h2c\r\n"
        "HTTP2-Settings: AAMAAABkAAQAAP__\r\nContent-Length: " +
        std::to_string(smuggled.size()) + "\r\n\r\n" + smuggled;
    ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
    Clock::duration closed_after{};
    const std::string got = read_until_closed(fd, 5s, closed_after);
    ::close(fd);
    EXPECT_EQ(got.rfind("HTTP/1.1 200", 0), 0u) << got;
    EXPECT_EQ(got.find("101"), std::string::npos);
    EXPECT_NE(got.find("body:" + smuggled), std::string::npos) << got;
}

asio::awaitable<void> echo_filler(ServerRequest& req, ResponseWriter& res) {
    co_await res.respond(200, {}, std::string(req.field("x-filler")));
}

// A client engine over a raw socket whose octets go out in pieces of our choosing.
struct PieceClient {
    Connection conn = Connection::client(Config{});
    int fd;
    std::vector<std::uint8_t> out;
    std::size_t sent = 0;
    std::string body;
    bool ended = false;
    std::vector<Event> events;

    PieceClient(std::uint16_t port, const std::string& filler) : fd(connect_loopback(port)) {
        const std::vector<hpack::HeaderField> fields = {
            {":method", "GET"}, {":scheme", "http"}, {":authority", "127.0.0.1"}, {":path", "/"}, {"x-filler", filler}};
        conn.submit_request(fields, true);
        const auto o = conn.pending_output();
        out.assign(o.begin(), o.end());
        conn.consume_output(o.size());
    }
    ~PieceClient() { ::close(fd); }
    void send_piece(std::size_t n) {
        n = std::min(n, out.size() - sent);
        ASSERT_EQ(::send(fd, out.data() + sent, n, MSG_NOSIGNAL), static_cast<ssize_t>(n));
        sent += n;
    }
    void pump() {
        std::uint8_t buf[8192];
        const ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
        if (n <= 0) return;
        events.clear();
        conn.receive({buf, static_cast<std::size_t>(n)}, events);
        conn.poll_events(events);
        for (const Event& e : events) {
            if (const auto* d = std::get_if<DataReceived>(&e)) {
                body.append(reinterpret_cast<const char*>(d->data.data()), d->data.size());
                ended = ended || d->end_stream;
            }
        }
        const auto o = conn.pending_output();  // SETTINGS ACK, WINDOW_UPDATE
        if (!o.empty() && ::send(fd, o.data(), o.size(), MSG_NOSIGNAL) > 0) conn.consume_output(o.size());
    }
};

// The server's workers read into one buffer per thread beyond each connection's first 512
// octets: two connections on one worker, each sending a request of 3 KiB in pieces of 700
// octets, in turns, get their own header back (the unfinished frame of one is kept by its
// engine while the other reads into the same buffer).
TEST(ThreadReadBuffer, TwoConnectionsSendingFramesInPiecesInTurnsEachGetTheirOwnRequest) {
    RunningServer server(echo_filler);
    std::string a, b;
    for (int i = 0; i < 300; ++i) {
        a += "abcdefghij";
        b += "0123456789";
    }
    PieceClient ca(server.port(), a), cb(server.port(), b);
    ASSERT_GT(ca.out.size(), 2000u);
    while (ca.sent < ca.out.size() || cb.sent < cb.out.size()) {
        ca.send_piece(700);
        std::this_thread::sleep_for(5ms);
        cb.send_piece(700);
        std::this_thread::sleep_for(5ms);
    }
    const auto until = Clock::now() + 5s;
    while ((!ca.ended || !cb.ended) && Clock::now() < until) {
        ca.pump();
        cb.pump();
        std::this_thread::sleep_for(1ms);
    }
    EXPECT_EQ(ca.body, a);
    EXPECT_EQ(cb.body, b);
}

TEST(Keepalive, APeerThatNeverAnswersAPingIsClosed) {
    auto options = loopback();
    options.keepalive_interval = 1s;
    options.keepalive_timeout = 1s;
    RunningServer server(hello, options);
    const int fd = connect_loopback(server.port());
    // Preface, empty SETTINGS and a SETTINGS ACK, then silence (and no reading).
    std::string hello_frames(kPreface);
    hello_frames += std::string("\0\0\0\x04\0\0\0\0\0", 9);
    hello_frames += std::string("\0\0\0\x04\x01\0\0\0\0", 9);
    ::send(fd, hello_frames.data(), hello_frames.size(), MSG_NOSIGNAL);
    Clock::duration closed_after{};
    const std::string got = read_until_closed(fd, 6s, closed_after);
    ::close(fd);
    EXPECT_GE(closed_after, 1800ms);
    EXPECT_LT(closed_after, 4s);
    EXPECT_NE(got.find(std::string("\0\0\x08\x06\0\0\0\0\0keep", 13)), std::string::npos);  // the PING
}

TEST(Keepalive, APeerThatAnswersStaysConnected) {
    auto options = loopback();
    options.keepalive_interval = 1s;
    options.keepalive_timeout = 1s;
    RunningServer server(hello, options);
    SocketClient c(server.port());  // its engine answers every PING
    c.pump_for(3500ms);
    EXPECT_FALSE(c.eof);
    const StreamId id = c.request(SocketClient::request_fields("GET", "/"), true);
    ASSERT_TRUE(c.response_complete(id));
    EXPECT_EQ(c.streams[id].body, "hello");
}

// Found by the socket attack suite's canary: requests answered within one turn of the driver
// (a quick answer closes its stream before the turn ends) did not count as activity, so the
// idle timeout closed a busy connection.
TEST(IdleTimeout, QuickAnswersAreActivityAndKeepABusyConnectionOpen) {
    runtime::AsyncHandler handler(hello, [](const runtime::RequestHead&, runtime::QuickResponse& res) {
        res.body = "quick";
        return true;
    });
    auto options = loopback();
    options.idle_timeout = 1s;
    RunningServer server(std::move(handler), options);
    SocketClient c(server.port());
    const auto start = Clock::now();
    while (Clock::now() - start < 2500ms) {
        const StreamId id = c.request(SocketClient::request_fields("GET", "/"), true);
        ASSERT_TRUE(c.response_complete(id));
        ASSERT_EQ(c.streams[id].body, "quick");
        c.pump_for(100ms);
        ASSERT_FALSE(c.eof);
    }
    c.pump_for(1500ms);  // and once requests stop, the idle timeout does close it
    EXPECT_TRUE(c.eof);
}

// SECURITY-PLAN SEC-15g, for bodies the runtime sends by itself (a QuickHandler's): a body the
// client never lets through is reset once it has not moved for stream_stall_timeout.
TEST(StalledBody, AQuickAnswerBehindAShutWindowIsResetAfterTheStallTimeout) {
    static const std::string big = pattern(200 * 1024);
    runtime::AsyncHandler handler(hello, [](const runtime::RequestHead&, runtime::QuickResponse& res) {
        res.body = big;
        return true;
    });
    auto options = loopback();
    options.stream_stall_timeout = 1s;
    RunningServer server(std::move(handler), options);
    Config shut;
    shut.settings.initial_window_size = 0;
    SocketClient c(server.port(), shut);
    const auto start = Clock::now();
    const StreamId id = c.request(SocketClient::request_fields("GET", "/big"), true);
    ASSERT_TRUE(c.response_complete(id));
    const auto elapsed = Clock::now() - start;
    EXPECT_EQ(c.streams[id].status, "200");
    ASSERT_TRUE(c.streams[id].reset.has_value());
    EXPECT_EQ(*c.streams[id].reset, ErrorCode::cancel);
    EXPECT_GE(elapsed, 900ms);
    EXPECT_LT(elapsed, 4s);
    EXPECT_FALSE(c.eof);  // the connection serves on
}

std::string metrics_page(std::uint16_t port) {
    SocketClient m(port);
    const StreamId id = m.request(SocketClient::request_fields("GET", "/metrics"), true);
    if (!m.response_complete(id)) return {};
    return m.streams[id].body;
}

// The drip of the 2026 "HTTP/2 Bomb": a window opened a little at a time is not progress. (One
// octet at a time trips the overhead counter at once; 1,100 octets every 1.5 s does not, and is
// below kStallMinOctets per stall timeout.)
TEST(StalledBody, AWindowOpenedALittleAtATimeDoesNotKeepTheStreamAndTheResetIsExplained) {
    static const std::string big = pattern(200 * 1024);
    runtime::AsyncHandler handler(hello, [](const runtime::RequestHead& req, runtime::QuickResponse& res) {
        if (req.path != "/big") return false;
        res.body = big;
        return true;
    });
    auto options = loopback();
    options.stream_stall_timeout = 2s;
    options.metrics_path = "/metrics";
    RunningServer server(std::move(handler), options);
    Config shut;
    shut.settings.initial_window_size = 0;
    shut.auto_release = false;  // the only credit is the drip below
    SocketClient c(server.port(), shut);
    const auto start = Clock::now();
    const StreamId id = c.request(SocketClient::request_fields("GET", "/big"), true);
    while (!c.streams[id].reset && !c.eof && Clock::now() - start < 8s) {
        c.pump_for(1500ms);
        c.conn.grow_stream_window(id, 1100);  // WINDOW_UPDATE +1100
    }
    ASSERT_TRUE(c.streams[id].reset.has_value());
    EXPECT_EQ(*c.streams[id].reset, ErrorCode::cancel);
    EXPECT_LT(Clock::now() - start, 5s);
    EXPECT_LT(c.streams[id].body.size(), 4096u);
    EXPECT_FALSE(c.eof);
    EXPECT_NE(metrics_page(server.port()).find("h2serve_stalled_streams_total{held_by=\"stream_window\"} 1"),
              std::string::npos);
}

TEST(StalledBody, ARequestBodyThatDoesNotComeIsResetAndExplained) {
    auto options = loopback();
    options.stream_stall_timeout = 1s;
    options.metrics_path = "/metrics";
    RunningServer server(
        [](ServerRequest& req, ResponseWriter& res) -> asio::awaitable<void> {
            const std::string body = co_await req.body.read_all(1 << 20);
            co_await res.respond(200, {}, body);
        },
        options);
    SocketClient c(server.port());
    const StreamId id = c.request(SocketClient::request_fields("POST", "/"), false);
    c.send_body(id, "a little", false);  // and then nothing
    ASSERT_TRUE(c.response_complete(id));
    ASSERT_TRUE(c.streams[id].reset.has_value());
    EXPECT_NE(metrics_page(server.port()).find("h2serve_stalled_streams_total{held_by=\"request_body\"} 1"),
              std::string::npos);
}

TEST(Limits, ConnectionsBeyondTheWorkersMaximumAreClosedAtOnceAndCounted) {
    auto options = loopback();
    options.max_connections_per_worker = 2;
    options.metrics_path = "/metrics";
    RunningServer server(hello, options);
    SocketClient a(server.port()), b(server.port());
    for (SocketClient* c : {&a, &b}) {
        const StreamId id = c->request(SocketClient::request_fields("GET", "/"), true);
        ASSERT_TRUE(c->response_complete(id));
    }
    const int fd = connect_loopback(server.port());  // the third
    Clock::duration closed_after{};
    read_until_closed(fd, 3s, closed_after);
    ::close(fd);
    EXPECT_LT(closed_after, 1s);
    a.close();  // room again: the metrics page can be asked for
    std::this_thread::sleep_for(100ms);
    EXPECT_NE(metrics_page(server.port()).find("h2serve_connections_rejected_total 1"), std::string::npos);
}

// The library changes nothing process-wide: SIGPIPE keeps its disposition (a client that
// leaves during sendfile(2) raises it, blocked on the server's threads), SIGINT/SIGTERM are
// the application's unless it asks (handle_signals).
TEST(Embedding, SignalDispositionsAreLeftAloneAndAClientLeavingDuringSendfileIsSurvived) {
    char dir[] = "/tmp/libh2-embedding-XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    const std::string path = std::string(dir) + "/big.bin";
    {
        std::FILE* f = std::fopen(path.c_str(), "wb");
        const std::string chunk = pattern(1 << 20);
        for (int i = 0; i < 8; ++i) std::fwrite(chunk.data(), 1, chunk.size(), f);
        std::fclose(f);
    }
    RunningServer server([&](ServerRequest&, ResponseWriter& res) -> asio::awaitable<void> {
        const int fd = ::open(path.c_str(), O_RDONLY);
        co_await res.send_file(runtime::FileRange(fd, 0, 8u << 20));
    });
    for (int i = 0; i < 5; ++i) {
        SocketClient c(server.port(), {}, 4096);
        const StreamId id = c.request(SocketClient::request_fields("GET", "/big"), true);
        c.pump_until([&] { return c.streams[id].body.size() > 100000; }, 5s);
        c.close();  // mid-body: the server's next sendfile(2) gets EPIPE (and SIGPIPE)
        std::this_thread::sleep_for(100ms);
    }
    struct sigaction pipe {
    }, term{};
    ::sigaction(SIGPIPE, nullptr, &pipe);
    ::sigaction(SIGTERM, nullptr, &term);
    EXPECT_EQ(pipe.sa_handler, SIG_DFL);
    EXPECT_EQ(term.sa_handler, SIG_DFL);
    SocketClient c(server.port());  // still serving
    const StreamId id = c.request(SocketClient::request_fields("GET", "/big"), true);
    ASSERT_TRUE(c.response_complete(id));
    EXPECT_EQ(c.streams[id].body.size(), 8u << 20);
    std::remove(path.c_str());
    ::rmdir(dir);
}

TEST(Embedding, HandleSignalsInstallsAHandlerOnlyWhileTheServerRuns) {
    auto options = loopback();
    options.handle_signals = true;
    struct sigaction term {};
    {
        RunningServer server(hello, options);
        SocketClient c(server.port());  // the server is running once it answers
        const StreamId id = c.request(SocketClient::request_fields("GET", "/"), true);
        ASSERT_TRUE(c.response_complete(id));
        ::sigaction(SIGTERM, nullptr, &term);
        EXPECT_NE(term.sa_handler, SIG_DFL);
    }
    ::sigaction(SIGTERM, nullptr, &term);
    EXPECT_EQ(term.sa_handler, SIG_DFL);
}

}  // namespace
}  // namespace h2::test
