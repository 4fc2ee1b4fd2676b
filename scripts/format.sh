#!/usr/bin/env bash
# Formats the C++ sources with .clang-format (clang-format 14): `scripts/format.sh` rewrites
# them, `scripts/format.sh --check` only reports files that differ (exit status 1).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
ensure_packages clang-format
mapfile -t files < <(git ls-files --cached --others --exclude-standard '*.cpp' '*.hpp' | grep -v '\.inc$')
if [ "${1:-}" = "--check" ]; then
  clang-format --dry-run --Werror "${files[@]}"
else
  clang-format -i "${files[@]}"
fi
