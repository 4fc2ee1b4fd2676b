# Shared by the scripts: installs the Debian packages that are missing, and nothing else.
ensure_packages() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "installing Debian packages: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
}

# What building and testing libh2 needs on Debian 12.
LIBH2_BUILD_PACKAGES=(g++ make cmake pkg-config python3 ccache libgtest-dev libgmock-dev
                      libbenchmark-dev libnghttp2-dev libboost1.81-dev libssl-dev openssl clang-format
                      libcli11-dev nlohmann-json3-dev)
LIBH2_FUZZ_PACKAGES=(clang libclang-rt-14-dev)
# The real peers of the interop tests.
LIBH2_INTEROP_PACKAGES=(curl nghttp2-client nghttp2-server h2o python3-h2 nodejs python3-grpcio chromium)

# Builds benchmark target $1 (optimised preset) and runs it with 5 repetitions, writing its
# table to $2; further arguments go to Google Benchmark.
run_benchmark() {
  local target=$1 table=$2
  shift 2
  ensure_packages "${LIBH2_BUILD_PACKAGES[@]}"
  cmake --preset default >/dev/null
  cmake --build --preset default --target "$target" -j "$(nproc)"
  "build/bench/$target" --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
    --table="$table" "$@"
}
