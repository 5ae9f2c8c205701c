#!/usr/bin/env bash
# Records every gRPC sample (samples/grpc-*, samples/py-*, samples/js-client-py-server) on lo, verifies
# each with tshark (verify.ts writes the findings into its meta.json), then writes tshark goldens with
# scripts/make-golden.mjs when that script exists.
#
#   scripts/samples/grpc/run-all.sh            # every scenario (about a minute)
#   scripts/samples/grpc/run-all.sh NAME...    # only these
#
# Needs root (tcpdump on lo) and installs nothing: see scripts/install-sample-tools.sh.
set -euo pipefail
cd "$(dirname "$0")/../../.."
SAMPLES_DIR=samples
HERE=scripts/samples/grpc
# shellcheck source=record.sh
source "$HERE/record.sh"

need_tool tcpdump tcpdump
need_tool tshark tshark
need_tool node nodejs
need_python_grpc
[ -d node_modules/@grpc/grpc-js ] || { echo "error: run npm install first (needs @grpc/grpc-js)" >&2; exit 1; }
export no_proxy=127.0.0.1,localhost NO_PROXY=127.0.0.1,localhost

# name | tcp ports (comma-separated, 50100-50199) | scenario script; one capture each, run one at a time
# because several are timing-sensitive (deadlines, keepalive, flow-control stalls).
SCENARIOS=(
  "grpc-js-unary|50101|scenarios/grpc-js-unary.ts"
  "grpc-js-streaming|50102|scenarios/grpc-js-streaming.ts"
  "grpc-js-large|50103|scenarios/grpc-js-large.ts"
  "grpc-js-status|50104|scenarios/grpc-js-status.ts"
  "grpc-js-deadline|50105|scenarios/grpc-js-deadline.ts"
  "py-client-js-server|50106|scenarios/py-client-js-server.ts"
  "js-client-py-server|50107|scenarios/js-client-py-server.ts"
  "grpc-goaway-graceful|50108|scenarios/grpc-goaway-graceful.ts"
  "grpc-too-many-pings|50109|scenarios/grpc-too-many-pings.ts"
  "grpc-small-window|50110|scenarios/grpc-small-window.ts"
  "grpc-conn-per-call|50111|scenarios/grpc-conn-per-call.ts"
  "grpc-keepalive|50112|scenarios/grpc-keepalive.ts"
  "grpc-no-server-handshake|50113|scenarios/grpc-no-server-handshake.ts"
  "grpc-http1-server|50114|scenarios/grpc-http1-server.ts"
  "grpc-imbalance|50115,50116,50117|scenarios/grpc-imbalance.ts"
  "grpc-reflection|50118|scenarios/grpc-reflection.ts"
  "grpc-reflection-gzip|50119|scenarios/grpc-reflection-gzip.ts"
  "grpc-js-bulk-series|50118|scenarios/grpc-js-bulk-series.ts"
  "grpc-js-connect-proxy|50123,50124|scenarios/grpc-js-connect-proxy.ts"
  "grpc-stream-limit|50118|scenarios/grpc-stream-limit.ts"
  "grpc-imbalance-live|50130,50131,50132|scenarios/grpc-imbalance-live.ts"
)
# gRPC-Web over HTTP/1.1: scripts/samples/grpc-web/record.sh (npm peers installed in a temporary directory).
# samples/damaged-data-gap: node scripts/samples/grpc/damaged-data-gap.mjs after grpc-js-bulk-series.

wanted=("$@")
selected=()
for entry in "${SCENARIOS[@]}"; do
  name=${entry%%|*}
  if [ ${#wanted[@]} -eq 0 ] || [[ " ${wanted[*]} " == *" $name "* ]]; then selected+=("$entry"); fi
done
[ ${#selected[@]} -gt 0 ] || { echo "error: no scenario named: ${wanted[*]}" >&2; exit 1; }

recorded=()
failed=()
for entry in "${selected[@]}"; do
  IFS='|' read -r name ports script <<<"$entry"
  if record "$name" "$ports" node --import tsx "$HERE/$script"; then
    recorded+=("$name")
  else
    failed+=("$name")
  fi
done

if [ ${#recorded[@]} -gt 0 ]; then
  node --import tsx "$HERE/verify.ts" "${recorded[@]}" || failed+=("verification")
  if [ -f scripts/make-golden.mjs ]; then
    node scripts/make-golden.mjs "${recorded[@]}" || failed+=("golden")
  else
    echo "note: scripts/make-golden.mjs does not exist yet: no goldens written" >&2
  fi
fi

if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "recorded and verified: ${recorded[*]}"
