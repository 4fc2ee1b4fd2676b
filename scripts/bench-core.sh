#!/usr/bin/env bash
# Builds and runs the core benchmarks (HPACK decode/encode and the frame reader, libh2 and
# libnghttp2 side by side) and writes the table to build/bench/core-bench.md.
#   scripts/bench-core.sh [extra Google Benchmark flags]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
run_benchmark h2_bench_core build/bench/core-bench.md "$@"
