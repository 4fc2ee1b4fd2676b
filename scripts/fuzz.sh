#!/usr/bin/env bash
# Runs libh2's libFuzzer targets, each for a chosen time, on seeds from ../shared.
#   scripts/fuzz.sh [--seconds N] [TARGET...]
#     TARGET: frame_reader hpack_decoder hpack_roundtrip hpack_huffman (the fast Huffman
#             decoder against the strict one) engine_server engine_client
#             engine_oracle_server engine_oracle_client (libnghttp2 as the honest peer)
#             engine_commands (a server and a client engine driven through their APIs, random
#             interleavings) http1_upgrade (cleartext sniffing, HTTP/1.1 + Upgrade: h2c)
#             static_path (h2serve's path resolver, Range, dates)
# Builds the "fuzz" preset (clang) first when needed. New inputs found go to build/fuzz/corpus/TARGET;
# crashes to build/fuzz/artifacts/. The seeds are read in place, never copied into the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
seconds=60
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) targets+=("$1"); shift ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=(frame_reader hpack_decoder hpack_roundtrip hpack_huffman engine_server engine_client
                                     engine_oracle_server engine_oracle_client engine_commands http1_upgrade
                                     static_path)
shared="${LIBH2_SHARED_DIR:-$(pwd)/../shared}"

ensure_packages "${LIBH2_BUILD_PACKAGES[@]}" "${LIBH2_FUZZ_PACKAGES[@]}"
if [ ! -x build/fuzz/fuzz_static_path ]; then
  cmake --preset fuzz >/dev/null
  cmake --build --preset fuzz -j "$(nproc)"
fi

# HPACK seeds: every "wire" of every hpack-test-case story, one file each, prefixed with the
# three control octets the decoder target reads (table 4096, list limit 64 KiB, no cut).
hpack_seeds=build/fuzz/seeds/hpack
if [ ! -d "$hpack_seeds" ]; then
  mkdir -p "$hpack_seeds"
  python3 - "$shared/hpack-test-case" "$hpack_seeds" <<'PY'
import json, pathlib, sys
root, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
n = 0
for story in sorted(root.glob("*/story_*.json")):
    for case in json.loads(story.read_text()).get("cases", []):
        wire = case.get("wire")
        if wire:
            (out / f"{n:06d}").write_bytes(bytes([64, 255, 0]) + bytes.fromhex(wire))
            n += 1
print(f"{n} HPACK seeds")
PY
fi

# HTTP/1.1 seeds: an Upgrade: h2c request followed by HTTP/2 frames, a plain request, one with
# a body (never switched), a request line alone.
http1_seeds=build/fuzz/seeds/http1
if [ ! -d "$http1_seeds" ]; then
  mkdir -p "$http1_seeds"
  up='GET / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n'
  printf "${up}\r\nPRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x00\x04\x00\x00\x00\x00\x00" > "$http1_seeds/upgrade"
  printf "${up}Content-Length: 3\r\n\r\nabc" > "$http1_seeds/upgrade-with-body"
  printf 'GET /index.html?x=1 HTTP/1.1\r\nHost: a\r\n\r\n' > "$http1_seeds/get"
  printf 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n' > "$http1_seeds/preface"
fi

mkdir -p build/fuzz/artifacts
for t in "${targets[@]}"; do
  corpus=build/fuzz/corpus/$t
  mkdir -p "$corpus"
  case "$t" in
    frame_reader) seeds=("$shared/fuzz-seeds/nghttp2/h2spec" "$shared/fuzz-seeds/nghttp2/nghttp" "$shared/fuzz-seeds/h2o-http2") ;;
    hpack_decoder) seeds=("$hpack_seeds") ;;
    hpack_roundtrip|hpack_huffman|engine_client|engine_oracle_server|engine_oracle_client|engine_commands|static_path) seeds=() ;;
    http1_upgrade) seeds=("$http1_seeds") ;;
    engine_server) seeds=("$shared/fuzz-seeds/nghttp2/h2spec" "$shared/fuzz-seeds/nghttp2/nghttp") ;;
    *) echo "unknown target: $t" >&2; exit 2 ;;
  esac
  echo "== fuzz_$t for ${seconds}s"
  if ! build/fuzz/fuzz_$t "$corpus" "${seeds[@]}" -dict=fuzz/h2.dict -max_total_time="$seconds" \
       -artifact_prefix=build/fuzz/artifacts/ -print_final_stats=1 2>&1 | tail -n 6; then
    echo "fuzz_$t failed: the input is in build/fuzz/artifacts/" >&2
    exit 1
  fi
done
