#!/usr/bin/env bash
# Records the late-start samples (samples/late-start-*): a long-lived gRPC channel whose capture starts
# seconds after its first calls. Unlike run-all.sh, each scenario starts tcpdump itself (lib/late-capture.ts).
# About 35 s; needs root (tcpdump on lo); goldens from scripts/make-golden.mjs.
set -euo pipefail
cd "$(dirname "$0")/../../.."
HERE=scripts/samples/grpc
# shellcheck source=record.sh
source "$HERE/record.sh"
need_tool tcpdump tcpdump
need_tool tshark tshark
need_python_grpc
export no_proxy=127.0.0.1,localhost NO_PROXY=127.0.0.1,localhost
for name in "${@:-late-start-grpc-js late-start-grpcio}"; do
  for n in $name; do
    node --import tsx "$HERE/scenarios/$n.ts" >"samples/$n.meta.json"
    echo "$n: $(stat -c %s "samples/$n.pcap") bytes"
    node scripts/make-golden.mjs "$n"
  done
done
