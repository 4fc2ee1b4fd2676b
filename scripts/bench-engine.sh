#!/usr/bin/env bash
# Builds and runs the engine benchmark (exchanges through a libh2 client/server pair beside a
# libnghttp2 session pair, allocations per exchange); table in build/bench/engine-bench.md.
#   scripts/bench-engine.sh [extra Google Benchmark flags]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
run_benchmark h2_bench_engine build/bench/engine-bench.md "$@"
