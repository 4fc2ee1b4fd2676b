#!/usr/bin/env bash
# Builds h2hpack and runs it on a sample story: encodes the header lists of
# examples/hpack/sample_story.json with libh2's HPACK encoder, then decodes the result
# back. (The server, h2serve, replaces this once the runtime exists.)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
ensure_packages "${LIBH2_BUILD_PACKAGES[@]}"
cmake --preset default >/dev/null
cmake --build --preset default --target h2hpack -j "$(nproc)"
echo "== h2hpack encode examples/hpack/sample_story.json"
build/tools/h2hpack encode examples/hpack/sample_story.json | tee build/sample_encoded.json
echo "== h2hpack decode build/sample_encoded.json"
build/tools/h2hpack decode build/sample_encoded.json
