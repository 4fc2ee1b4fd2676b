#!/usr/bin/env bash
# h2get's load mode beside h2load against the same h2serve (bench/clients.py): client CPU per
# request for small responses and MB/s for a 10 MiB file; table in build/bench/clients.md.
# Installs what is missing; builds h2serve and h2get (optimised preset). Not part of CI.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
ensure_packages "${LIBH2_BUILD_PACKAGES[@]}" nghttp2-client util-linux
cmake --preset default >/dev/null
cmake --build --preset default --target h2serve h2get -j "$(nproc)"
exec /usr/bin/python3 bench/clients.py --h2serve build/tools/h2serve --h2get build/tools/h2get "$@"
