#include "options.hpp"

#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <sstream>

namespace h2get {

namespace rt = h2::runtime;

int parse(int argc, char** argv, Options& o) {
    CLI::App app{"h2get: HTTP/2 (and HTTP/1.1) requests and load, with libh2's client", "h2get"};
    app.set_version_flag("--version", std::string("h2get (libh2) 0.1.0"));
    app.add_option("url", o.urls, "http:// or https:// URL(s)")->required();
    auto* out = app.add_option("-o,--output", o.output, "write the body to FILE");
    app.add_flag("-O,--remote-name", o.remote_name, "write the body to the URL's file name")->excludes(out);
    app.add_option("-X,--request", o.method, "the method (default GET, POST with data)");
    app.add_option("-H,--header", o.headers, "a request field, 'name: value'")->take_all();
    auto* d = app.add_option("-d,--data", o.data, "the request body");
    app.add_option("--data-binary", o.data_binary, "the request body, or @FILE")->excludes(d);
    app.add_flag("--h2c", o.h2c, "HTTP/2 with prior knowledge on http:// (default: Upgrade: h2c)");
    app.add_flag("-k,--insecure", o.insecure, "do not verify the TLS certificate");
    app.add_flag("-i,--include", o.include, "print the status and fields before the body");
    app.add_flag("-v,--verbose", o.verbose, "print the frames sent and received (stderr)");
    app.add_option("--timeout", o.timeout, "give up on a request after SECONDS")->check(CLI::NonNegativeNumber);
    auto* n = app.add_option("-n,--requests", o.requests, "load mode: N requests in all")->check(CLI::PositiveNumber);
    app.add_option("-c,--clients", o.connections, "load mode: over C connections")
        ->check(CLI::Range(1u, 10000u))
        ->needs(n);
    app.add_option("-m,--max-concurrent-streams", o.streams, "load mode: M requests at once per connection")
        ->check(CLI::Range(1u, 10000u))
        ->needs(n);
    app.footer(
        "Exit status: 0 when every response arrived complete with a 2xx or 3xx status; otherwise 2 (usage),\n"
        "3 (bad URL), 7 (connect), 16 (HTTP/2: protocol error, reset stream, GOAWAY), 22 (status 400 and up),\n"
        "23 (writing the output), 26 (reading the data file), 28 (timeout), 35 (TLS), 1 (anything else).");
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
        for (char& c : what) {
            if (c == '\n') c = ' ';
        }
        std::cerr << "h2get: " << what << " (--help for the options)\n";
        return usage;
    }
    return -1;
}

rt::ClientOptions client_options(const Options& o) {
    rt::ClientOptions c;
    c.prior_knowledge = o.h2c;
    c.verify_peer = !o.insecure;
    if (o.timeout > 0) c.request_timeout = std::chrono::milliseconds(static_cast<std::int64_t>(o.timeout * 1000));
    if (o.verbose) c.trace = [](std::string_view line) { std::cerr << "* " << line << "\n"; };
    return c;
}

rt::ClientRequest make_request(const Options& o, const std::string& url) {
    rt::ClientRequest r;
    r.url = url;
    const bool has_data = !o.data.empty() || !o.data_binary.empty();
    r.method = !o.method.empty() ? o.method : has_data ? "POST" : "GET";
    for (const auto& h : o.headers) {
        const std::size_t colon = h.find(':');
        if (colon == std::string::npos || colon == 0) throw CLI::ValidationError("-H", "not 'name: value': " + h);
        std::string value = h.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.erase(0, 1);
        r.fields.emplace_back(h.substr(0, colon), value);
    }
    if (!o.data.empty()) r.body = o.data;
    if (!o.data_binary.empty()) {
        r.body =
            o.data_binary[0] == '@' ? rt::ClientBody::file(o.data_binary.substr(1)) : rt::ClientBody(o.data_binary);
    }
    return r;
}

int exit_status(const rt::ClientError& e) {
    switch (e.kind()) {
        case rt::ClientErrorKind::bad_url:
            return bad_url;
        case rt::ClientErrorKind::connect:
            return connect;
        case rt::ClientErrorKind::tls:
            return tls;
        case rt::ClientErrorKind::timeout:
            return timeout;
        case rt::ClientErrorKind::protocol:
        case rt::ClientErrorKind::stream_reset:
        case rt::ClientErrorKind::goaway:
            return protocol;
        case rt::ClientErrorKind::cancelled:
        case rt::ClientErrorKind::unsupported:
            return failure;
    }
    return failure;
}

}  // namespace h2get
