#!/usr/bin/env bash
# Builds h2serve and runs it on the sample docroot (examples/docroot):
#   http://localhost:8080   HTTP/2 with prior knowledge, Upgrade: h2c, HTTP/1.1
#   https://localhost:8443  TLS, ALPN h2 then http/1.1 (a self-signed certificate in
#                           build/certs, made on first run)
# Installs missing Debian packages first. Ctrl-C stops it gracefully.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
ensure_packages "${LIBH2_BUILD_PACKAGES[@]}"
cmake --preset default >/dev/null
cmake --build --preset default --target h2serve -j "$(nproc)"
certs=build/certs
if [ ! -f "$certs/cert.pem" ] || [ ! -f "$certs/key.pem" ]; then
  mkdir -p "$certs"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$certs/key.pem" -out "$certs/cert.pem" -days 365 -subj "/CN=localhost" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" 2>/dev/null
  echo "made a self-signed certificate in $certs (clients need -k / --insecure)"
fi
echo "open http://localhost:8080/ or https://localhost:8443/ ; Ctrl-C to stop"
exec build/tools/h2serve --root examples/docroot --port 8080 --tls-port 8443 \
  --cert "$certs/cert.pem" --key "$certs/key.pem" --log-level info
