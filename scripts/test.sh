#!/usr/bin/env bash
# Builds libh2 and runs the whole test suite:
#   0. the sources are formatted as .clang-format says (scripts/format.sh --check);
#   1. optimised build (preset "default", in build/): every CTest test;
#   2. the libFuzzer targets (preset "fuzz", in build/fuzz/), each run for a few seconds on
#      its seed corpus;
#   3. AddressSanitizer + UndefinedBehaviorSanitizer (preset "asan", in build/asan/): every
#      CTest test again; any sanitizer report aborts the test and fails the run;
#   4. ThreadSanitizer (preset "tsan", in build/tsan/): the runtime tests (several worker
#      threads, handlers on thread pools);
#   5. the Release configuration a user builds (preset "release", -O3, warnings as errors):
#      the libraries, the tools, the examples, and the unit and engine tests (the other test
#      programs are built and run in 1 and 3); the tests labelled unit (both programs, and the
#      install check) run.
# Installs missing Debian packages first. Exits non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
ensure_packages "${LIBH2_BUILD_PACKAGES[@]}" "${LIBH2_FUZZ_PACKAGES[@]}" "${LIBH2_INTEROP_PACKAGES[@]}"
jobs=$(nproc)

echo "== formatting"
scripts/format.sh --check

echo "== optimised build and tests"
cmake --preset default >/dev/null
cmake --build --preset default -j "$jobs"
ctest --preset default -j "$jobs"

echo "== fuzzers (smoke run)"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "$jobs"
scripts/fuzz.sh --seconds 5

echo "== AddressSanitizer + UndefinedBehaviorSanitizer build and tests"
cmake --preset asan >/dev/null
cmake --build --preset asan -j "$jobs"
ctest --preset asan -j "$jobs"

echo "== ThreadSanitizer build and runtime tests"
cmake --preset tsan >/dev/null
cmake --build --preset tsan -j "$jobs"
ctest --preset tsan -j "$jobs"

echo "== Release build and unit tests"
cmake --preset release >/dev/null
cmake --build --preset release -j "$jobs"
ctest --preset release -j "$jobs"
