// h2serve's command line (CLI11).
#pragma once

#include <string>

#include "h2/runtime/server.hpp"

struct Command {
    h2::runtime::ServerOptions options;
    std::string root;
    bool echo = true;                        // POST /echo and the WebSocket echo at /ws/echo
    std::size_t ws_max_message = 16u << 20;  // the WebSocket echo's message size limit
    unsigned ws_idle_timeout = 300;          // seconds: a ping at half of it, closed at all of it
};

// Parses argv; on --help/--version prints and returns 0, on a bad option prints one line naming
// it and returns 2; otherwise returns -1 and fills `out`.
int parse(int argc, char** argv, Command& out);
