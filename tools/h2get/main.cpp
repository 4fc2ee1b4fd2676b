// h2get: HTTP/2 requests from the command line (and HTTP/1.1 where the server has no h2), and a
// load mode. See `h2get --help` and docs/client.md.
#include <unistd.h>

#include <boost/asio.hpp>
#include <cstdio>
#include <iostream>
#include <optional>

#include "load.hpp"
#include "options.hpp"
#include "progress.hpp"

namespace {

namespace asio = boost::asio;
namespace rt = h2::runtime;
using namespace h2get;

struct Outcome {
    int status = ok;
    std::string message;  // one line when status != ok
};

void print_head(std::ostream& out, const rt::ClientResponse& res, std::string_view prefix) {
    out << prefix << (res.protocol == "h2" ? "HTTP/2 " : "HTTP/1.1 ") << res.status << "\n";
    for (const auto& [n, v] : res.fields) out << prefix << n << ": " << v << "\n";
    out << (prefix.empty() ? "\n" : "");
}

// One URL: the request, the head, the body to its sink.
asio::awaitable<void> fetch_one(rt::Client& client, const Options& o, const std::string& url, Outcome& outcome) {
    auto res = co_await client.request(make_request(o, url));
    if (o.verbose) print_head(std::cerr, res, "< ");
    if (o.include) print_head(std::cout, res, "");
    std::string path = o.output;
    if (o.remote_name) path = rt::Url::parse(url).file_name();
    std::FILE* sink = path.empty() ? stdout : std::fopen(path.c_str(), "wb");
    if (!sink) {
        outcome = {write_error, "cannot write " + path};
        co_return;
    }
    std::optional<Progress> progress;
    if (sink != stdout && ::isatty(STDERR_FILENO)) progress.emplace(res.field("content-length"));
    for (auto piece = co_await res.read(); !piece.empty(); piece = co_await res.read()) {
        if (std::fwrite(piece.data(), 1, piece.size(), sink) != piece.size()) {
            outcome = {write_error, "writing " + (path.empty() ? std::string("standard output") : path) + " failed"};
            break;
        }
        if (progress) progress->advance(piece.size());
    }
    if (progress) progress->finish();
    if (sink != stdout) std::fclose(sink);
    std::fflush(stdout);
    if (outcome.status == ok && res.status >= 400) {
        outcome = {http_error, "the server answered " + std::to_string(res.status) + " for " + url};
    }
}

int run_requests(const Options& o) {
    asio::io_context io;
    rt::Client client(io.get_executor(), client_options(o));
    Outcome outcome;
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
            for (const auto& url : o.urls) {
                co_await fetch_one(client, o, url, outcome);
                if (outcome.status != ok) break;
            }
        },
        [&](std::exception_ptr e) {
            if (e) {
                try {
                    std::rethrow_exception(e);
                } catch (const rt::ClientError& x) {
                    outcome = {exit_status(x), x.what()};
                } catch (const std::system_error& x) {
                    outcome = {read_error, x.what()};
                } catch (const std::exception& x) {
                    outcome = {failure, x.what()};
                }
            }
            client.shutdown();  // GOAWAY; the connections close, and run() returns
        });
    io.run();
    if (outcome.status != ok) std::cerr << "h2get: " << outcome.message << "\n";
    return outcome.status;
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    if (const int r = parse(argc, argv, o); r >= 0) return r;
    try {
        return o.requests > 0 ? run_load(o) : run_requests(o);
    } catch (const std::exception& e) {  // a bad -H, a TLS context that cannot be made
        std::cerr << "h2get: " << e.what() << "\n";
        return usage;
    }
}
