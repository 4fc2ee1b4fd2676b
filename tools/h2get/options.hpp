// h2get's command line (CLI11) and what it asks for.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "h2/runtime/client.hpp"

namespace h2get {

struct Options {
    std::vector<std::string> urls;
    std::string output;                // -o FILE
    bool remote_name = false;          // -O
    std::string method;                // -X (default GET, or POST with data)
    std::vector<std::string> headers;  // -H 'name: value'
    std::string data;                  // -d DATA
    std::string data_binary;           // --data-binary DATA or @FILE
    bool h2c = false;                  // --h2c: prior knowledge
    bool insecure = false;             // -k
    bool include = false;              // -i
    bool verbose = false;              // -v
    double timeout = 0;                // --timeout SECONDS (0: none)
    // Load mode.
    std::uint64_t requests = 0;  // -n
    unsigned connections = 1;    // -c
    unsigned streams = 1;        // -m
};

// Parses argv; on --help/--version prints and returns the exit status to use (0), on a bad
// option prints one line naming it and returns 2; otherwise returns -1 and fills `out`.
int parse(int argc, char** argv, Options& out);

// The client's options for these command-line options.
h2::runtime::ClientOptions client_options(const Options& o);
// The request for one URL.
h2::runtime::ClientRequest make_request(const Options& o, const std::string& url);

// Exit statuses, curl's where curl has one.
enum Exit : int {
    ok = 0,
    usage = 2,
    bad_url = 3,
    connect = 7,
    protocol = 16,
    http_error = 22,
    write_error = 23,
    read_error = 26,
    timeout = 28,
    tls = 35,
    failure = 1,
};
int exit_status(const h2::runtime::ClientError& e);

}  // namespace h2get
