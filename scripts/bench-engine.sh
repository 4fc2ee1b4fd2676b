#!/usr/bin/env bash
# Builds and runs the engine benchmark (exchanges through a libh2 client/server pair beside a
# libnghttp2 session pair, allocations per exchange); table in build/bench/engine-bench.md.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
ensure_packages "${LIBH2_BUILD_PACKAGES[@]}"
cmake --preset default >/dev/null
cmake --build --preset default --target h2_bench_engine -j "$(nproc)"
build/bench/h2_bench_engine --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
  --table=build/bench/engine-bench.md "$@"
