#!/usr/bin/env bash
# Soak (issue 11; not in CI): h2serve under h2load for MINUTES (h2c and TLS, small and 1 MiB
# files), with an attack from tests/attacks mixed in every few minutes on other connections.
# Reports requests, errors (h2load's failed + errored + timeout: must be 0), and h2serve's RSS
# and open file descriptors at the start and the end; writes build/soak/report.md.
#   scripts/soak.sh [MINUTES]      (default 30)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
ensure_packages "${LIBH2_BUILD_PACKAGES[@]}" nghttp2-client python3-hpack openssl
cmake --preset default >/dev/null
cmake --build --preset default --target h2serve -j "$(nproc)"
exec /usr/bin/python3 tests/soak/soak.py --h2serve build/tools/h2serve --minutes "${1:-30}"
