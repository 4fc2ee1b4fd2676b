#!/usr/bin/env bash
# Instructions per exchange (callgrind), libh2 and nghttp2 engine pairs: repeatable whatever
# else the machine does. Usage: bench/instructions.sh [BODY_OCTETS] [EXCHANGES]
set -euo pipefail
cd "$(dirname "$0")/.."
body=${1:-0}
n=${2:-10000}
bin=build/bench/h2_bench_engine
for impl in libh2 nghttp2; do
  out=$(mktemp)
  valgrind --tool=callgrind --callgrind-out-file="$out" --toggle-collect='*run_fixed*' \
    "$bin" --fixed=$impl --body="$body" --exchanges="$n" >/dev/null 2>&1
  total=$(callgrind_annotate "$out" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}')
  echo "$impl body=$body: $((total / n)) instructions per exchange"
  rm -f "$out"
done
