#!/usr/bin/env bash
# Rolling restart (issue 11; not in CI): HAProxy (Debian) in front of two h2serve over h2, h2load
# through it, each backend restarted in turn (the new process binds the same port with
# SO_REUSEPORT, then the old one gets SIGTERM: graceful GOAWAY, drain). Reports the requests
# that failed (h2load's failed + errored + timeout, and non-2xx): the target is 0.
#   scripts/rolling.sh [SECONDS]   (default 40: restarts at 1/4 and 1/2 of the run)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
ensure_packages "${LIBH2_BUILD_PACKAGES[@]}" nghttp2-client haproxy
cmake --preset default >/dev/null
cmake --build --preset default --target h2serve -j "$(nproc)"
exec /usr/bin/python3 tests/soak/rolling.py --h2serve build/tools/h2serve --seconds "${1:-40}"
