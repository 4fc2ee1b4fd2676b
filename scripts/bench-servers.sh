#!/usr/bin/env bash
# The side-by-side benchmark (issue 5): h2serve, h2o and nghttpd under h2load, same machine,
# same files, same run. Installs what is missing (Debian: h2o, nghttp2-server, nghttp2-client,
# valgrind, gnuplot-nox), builds h2serve (optimised preset) and runs bench/servers.py, which
# writes build/bench/servers.md and build/bench/cpu-per-request.png. Takes about 15 min
# with the defaults (3 rounds of 10 s); arguments go to bench/servers.py (e.g. --rounds 1
# --duration 5, or --callgrind-only to judge an optimisation by instructions per request).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
ensure_packages "${LIBH2_BUILD_PACKAGES[@]}" h2o nghttp2-server nghttp2-client valgrind gnuplot-nox util-linux
cmake --preset default >/dev/null
cmake --build --preset default --target h2serve -j "$(nproc)"
exec /usr/bin/python3 bench/servers.py --h2serve build/tools/h2serve "$@"
