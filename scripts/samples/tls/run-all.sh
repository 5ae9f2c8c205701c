#!/usr/bin/env bash
# Records the TLS samples (samples/tls-*, ports 50300-50399) on lo with real peers and real key logs, then
# writes their tshark goldens (scripts/make-golden.mjs, which decrypts with each sample's key log).
#
#   scripts/samples/tls/run-all.sh            # every scenario (about 20 s)
#   scripts/samples/tls/run-all.sh NAME...    # only these (the derived ones need tls-grpc-js-13)
#
# Needs root (tcpdump on lo) and installs nothing; the tools are listed in scripts/samples/tls/README.md.
# Exit status: 0 all made; 1 a scenario failed; 3 a tool is missing (committed samples kept).
set -euo pipefail
cd "$(dirname "$0")/../../.."

[ -d node_modules/@grpc/grpc-js ] || { echo "error: run npm install first (needs @grpc/grpc-js, tsx)" >&2; exit 1; }
export no_proxy=127.0.0.1,localhost NO_PROXY=127.0.0.1,localhost

ALL=(tls-grpc-js-13 tls-grpc-js-12 tls-curl-nghttpd tls-nghttp-nghttpd tls-py-grpcio tls-no-keys
  tls-alpn-http11 tls-handshake-failure tls-cut-in-handshake tls-alpn-h2-16 tls-grpc-js-13-secrets tls-wrong-keys)
names=("$@")
[ ${#names[@]} -gt 0 ] || names=("${ALL[@]}")

node --import tsx scripts/samples/tls/record.ts "${names[@]}"
node scripts/make-golden.mjs "${names[@]}"
