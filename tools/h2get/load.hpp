// h2get's load mode: -n N requests over -c C connections, -m M at once on each.
#pragma once

#include "options.hpp"

namespace h2get {

// Runs the load against the first URL; prints requests per second, octets, status counts and
// latency percentiles. Returns 0 when every request got a 2xx or 3xx response.
int run_load(const Options& o);

}  // namespace h2get
