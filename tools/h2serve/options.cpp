#include "options.hpp"

#include <CLI/CLI.hpp>
#include <iostream>
#include <map>

int parse(int argc, char** argv, Command& c) {
    using namespace h2::runtime;
    using std::chrono::seconds;
    ServerOptions& o = c.options;
    CLI::App app{
        "h2serve: a static file server over HTTP/2 (h2c, Upgrade, TLS with ALPN) and HTTP/1.1, "
        "with POST /echo",
        "h2serve"};
    app.set_version_flag("--version", std::string("h2serve (libh2) 0.1.0"));
    app.add_option("--root", c.root, "the directory to serve")->required()->check(CLI::ExistingDirectory);
    app.add_option("--host", o.host, "the address to listen on")->capture_default_str();
    app.add_option("--port", o.port, "the cleartext port (0: any)")->check(CLI::Range(0, 65535))->capture_default_str();
    std::uint16_t tls_port = 0;
    auto* tls = app.add_option("--tls-port", tls_port, "a TLS port too (0: any)")->check(CLI::Range(0, 65535));
    auto* cert = app.add_option("--cert", o.cert_file, "the TLS certificate chain (PEM)");
    auto* key = app.add_option("--key", o.key_file, "the TLS private key (PEM)");
    tls->needs(cert)->needs(key);
    app.add_option("--threads", o.threads, "worker threads (0: one per core)")->check(CLI::Range(0u, 1024u));
    std::string level = "warn";
    app.add_option("--log-level", level, "error, warn, info or debug")
        ->check(CLI::IsMember({"error", "warn", "info", "debug"}))
        ->capture_default_str();
    app.add_option("--access-log", o.access_log, "one line per response to FILE, or - (standard output)");
    app.add_option("--metrics-path", o.metrics_path, "Prometheus text at this path (e.g. /metrics)")
        ->check([](const std::string& v) { return !v.empty() && v[0] == '/' ? std::string() : "must start with /"; });
    app.add_option("--max-concurrent-streams", o.engine.limits.max_concurrent_streams, "streams per connection")
        ->check(CLI::Range(0u, 0x7fffffffu))
        ->capture_default_str();
    std::uint32_t idle = 20, handshake = 10, write = 30, stall = 60, keepalive = 0;
    app.add_option("--idle-timeout", idle, "seconds without streams before GOAWAY")
        ->check(CLI::Range(1u, 86400u))
        ->capture_default_str();
    app.add_option("--handshake-timeout", handshake, "seconds for TLS, the preface and the first SETTINGS")
        ->check(CLI::Range(1u, 86400u))
        ->capture_default_str();
    app.add_option("--write-timeout", write, "seconds a write may make no progress")
        ->check(CLI::Range(1u, 86400u))
        ->capture_default_str();
    app.add_option("--stream-stall-timeout", stall, "seconds a body may make no progress before RST_STREAM")
        ->check(CLI::Range(1u, 86400u))
        ->capture_default_str();
    app.add_option("--keepalive", keepalive, "a PING every SECONDS (0: none); unanswered, the connection closes")
        ->check(CLI::Range(0u, 86400u));
    bool no_echo = false;
    app.add_flag("--no-echo", no_echo, "no POST /echo and no WebSocket echo at /ws/echo");
    app.add_option("--ws-max-message", c.ws_max_message, "the WebSocket echo's longest message (octets)")
        ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 30))
        ->capture_default_str();
    app.add_option("--ws-idle-timeout", c.ws_idle_timeout,
                   "seconds a WebSocket may stay silent: a ping at half of it, closed (reset) at all of it")
        ->check(CLI::Range(1u, 86400u))
        ->capture_default_str();
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp&) {
        std::cout << app.help();
        return 0;
    } catch (const CLI::CallForVersion& e) {
        std::cout << e.what() << "\n";
        return 0;
    } catch (const CLI::ParseError& e) {
        std::string what = e.what();
        for (char& ch : what) {
            if (ch == '\n') ch = ' ';
        }
        std::cerr << "h2serve: " << what << " (--help for the options)\n";
        return 2;
    }
    if (*tls) o.tls_port = tls_port;
    static const std::map<std::string, LogLevel> kLevels{
        {"error", LogLevel::error}, {"warn", LogLevel::warn}, {"info", LogLevel::info}, {"debug", LogLevel::debug}};
    o.log_level = kLevels.at(level);
    o.idle_timeout = seconds(idle);
    o.handshake_timeout = seconds(handshake);
    o.write_timeout = seconds(write);
    o.stream_stall_timeout = seconds(stall);
    o.keepalive_interval = seconds(keepalive);
    c.echo = !no_echo;
    return -1;
}
