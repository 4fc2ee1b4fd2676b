// h2serve: a static file server over HTTP/2 (prior knowledge or Upgrade: h2c) and HTTP/1.1 on
// the same port, plus POST /echo for upload and trailer tests and a WebSocket echo at /ws/echo
// (HTTP/2 extended CONNECT and HTTP/1.1 Upgrade).
//
// `h2serve --help` lists the options (tools/h2serve/options.cpp). A bad argument, a missing
// root or a port in use gives a one-line error and exit status 2.
#include <iostream>
#include <string>

#include "h2/runtime/handler.hpp"
#include "h2/runtime/server.hpp"
#include "h2/runtime/static_files.hpp"
#include "h2/runtime/websocket.hpp"
#include "options.hpp"
#include "ws_echo.hpp"

namespace {

using h2::runtime::FieldVector;
using h2::runtime::ResponseWriter;
using h2::runtime::ServerRequest;

// POST /echo: the body back (read whole, up to max_request_body, else 413), with its length
// as a trailer.
boost::asio::awaitable<void> echo(ServerRequest& req, ResponseWriter& res, std::size_t limit) {
    std::string body;
    try {
        body = co_await req.body.read_all(limit);
    } catch (const std::length_error&) {
        body.clear();
        body.shrink_to_fit();
    }
    if (body.empty() && !req.body.ended()) {
        FieldVector fields{{"content-type", "text/plain"}};
        co_await res.respond(413, std::move(fields), "413 Content Too Large\n");
        co_return;
    }
    FieldVector fields{{"content-type", "application/octet-stream"}};
    co_await res.write_head(200, std::move(fields));
    co_await res.write(body);
    FieldVector trailers{{"x-echo-length", std::to_string(body.size())}};
    co_await res.finish(std::move(trailers));
}

// The common case, a whole existing file (GET or HEAD without conditions or range): its cache
// entry (head fields made once, small content in memory). Null otherwise: StaticFiles::serve
// answers those (304, 206, 416, errors).
template <class Request>
std::shared_ptr<const h2::runtime::CachedFile> whole_file(const h2::runtime::StaticFiles& files, const Request& req) {
    if ((req.method != "GET" && req.method != "HEAD") || !req.field("if-none-match").empty() ||
        !req.field("if-modified-since").empty() || !req.field("range").empty()) {
        return nullptr;
    }
    int status = 0;
    return files.lookup(req.path, status);
}

// The hot path of HTTP/2, without a coroutine; anything else goes to the coroutine handlers.
bool quick_file(const h2::runtime::StaticFiles& files, const h2::runtime::RequestHead& req,
                h2::runtime::QuickResponse& res) {
    auto f = whole_file(files, req);
    if (!f) return false;
    res.status = 200;
    res.fields = f->fields;
    if (f->in_memory) {
        res.body = f->content;
    } else if (req.method == "GET" && f->size > 0) {
        try {
            res.file = f->range(0, f->size);
        } catch (const std::system_error&) {
            return false;  // no descriptor left: the coroutine path answers (500)
        }
    }
    res.keep = std::move(f);
    return true;
}

// Static files: error pages from memory, file bodies as sendfile-style DATA.
boost::asio::awaitable<void> serve_file(const h2::runtime::StaticFiles& files, ServerRequest& req,
                                        ResponseWriter& res) {
    if (const auto f = whole_file(files, req)) {
        // Head and (small) content from the file cache, copied only into the connection.
        const bool empty = req.method == "HEAD" || f->size == 0;
        co_await res.write_head(200, std::span<const h2::runtime::FieldView>(f->fields), empty && f->in_memory);
        if (f->in_memory) {
            if (!empty) {
                co_await res.write(f->content);
                co_await res.finish();
            }
            co_return;
        }
        co_await res.send_file(f->range(0, f->size));
        co_return;
    }
    h2::runtime::StaticResponse s = files.serve(
        {req.method, req.path, req.field("if-none-match"), req.field("if-modified-since"), req.field("range")});
    if (s.file) {
        co_await res.write_head(s.status, std::move(s.fields));
        co_await res.send_file(std::move(s.file));
    } else {
        co_await res.respond(s.status, std::move(s.fields), s.body);
    }
}

}  // namespace

int main(int argc, char** argv) {
    using namespace h2::runtime;
    Command c;
    if (const int r = parse(argc, argv, c); r >= 0) return r;
    ServerOptions& options = c.options;
    const std::string& root = c.root;
    const bool echo_enabled = c.echo;
    // SETTINGS_ENABLE_CONNECT_PROTOCOL (RFC 8441): WebSockets over HTTP/2 reach /ws/echo.
    options.engine.settings.enable_connect_protocol = echo_enabled;
    const std::size_t ws_max_message = c.ws_max_message;
    const std::chrono::seconds ws_idle(c.ws_idle_timeout);
    try {
        const StaticFiles files(root);
        const std::size_t limit = options.max_request_body;
        AsyncHandler handler(
            [&](ServerRequest& req, ResponseWriter& res) -> boost::asio::awaitable<void> {
                if (echo_enabled && req.path == "/echo" && req.method == "POST") return echo(req, res, limit);
                if (echo_enabled && req.path == "/ws/echo" && is_websocket_request(req))
                    return websocket_echo(req, res, ws_max_message, ws_idle);
                return serve_file(files, req, res);
            },
            [&](const RequestHead& req, QuickResponse& res) { return quick_file(files, req, res); });
        options.handle_signals = true;  // SIGINT/SIGTERM: graceful shutdown
        Server server(options, std::move(handler));
        server.listen();
        std::cout << "listening on http://" << options.host << ":" << server.port() << " (h2c, http/1.1)" << std::endl;
        if (options.tls_port) {
            std::cout << "listening on https://" << options.host << ":" << server.tls_port() << " (h2, http/1.1)"
                      << std::endl;
        }
        server.run();
    } catch (const std::exception& e) {
        // A port in use, an unreadable certificate or key: one line, exit status 2.
        std::cerr << "h2serve: " << e.what() << "\n";
        return 2;
    }
    return 0;
}
