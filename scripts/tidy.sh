#!/usr/bin/env bash
# Runs clang-tidy (.clang-tidy) over the sources of h2::core, or over the files given, with
# the optimised build's compile_commands.json; `--fix` applies the fixes it can. Exit status 1
# when it reports anything. (The runtime's files need Asio coroutines, which clang 14 parses
# slowly; name them to check them.)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
ensure_packages clang-tidy "${LIBH2_BUILD_PACKAGES[@]}"
cmake --preset default >/dev/null
fix=()
if [ "${1:-}" = "--fix" ]; then fix=(--fix); shift; fi
if [ $# -gt 0 ]; then files=("$@"); else mapfile -t files < <(git ls-files 'src/*.cpp' | grep -v '^src/runtime/'); fi
out=$(clang-tidy -p build --quiet "${fix[@]}" "${files[@]}" 2>/dev/null || true)
echo "$out"
if grep -q "warning:\|error:" <<<"$out"; then exit 1; fi
