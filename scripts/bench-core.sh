#!/usr/bin/env bash
# Builds and runs the core benchmarks (HPACK decode/encode and the frame reader, libh2 and
# libnghttp2 side by side) and writes the table to build/bench/core-bench.md.
#   scripts/bench-core.sh [extra Google Benchmark flags]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
ensure_packages "${LIBH2_BUILD_PACKAGES[@]}"
cmake --preset default >/dev/null
cmake --build --preset default --target h2_bench_core -j "$(nproc)"
build/bench/h2_bench_core --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
  --table=build/bench/core-bench.md "$@"
