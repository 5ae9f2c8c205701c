#!/usr/bin/env bash
# Records the abuse samples (issue 16 item 2) on lo, ports 50640-50649: CRAFTED abusive clients
# (flood-client.mjs, ping-flood.py; hand-built frames, bounded) against REAL servers (nghttpd, a grpc-js
# server, a Python grpcio server), then their tshark goldens with scripts/make-golden.mjs.
# Needs root (tcpdump on lo); installs nothing (scripts/install-sample-tools.sh).
#
#   scripts/samples/abuse/run-all.sh            # every scenario (about 15 s)
#   scripts/samples/abuse/run-all.sh NAME...    # only these
set -euo pipefail
cd "$(dirname "$0")/../../.."
SAMPLES_DIR=samples
HERE=scripts/samples/abuse
# shellcheck source=../grpc/record.sh
source scripts/samples/grpc/record.sh

need_tool tcpdump tcpdump
need_tool tshark tshark
need_tool node nodejs
need_tool nghttpd nghttp2-server
need_tool ss iproute2
need_python_grpc
[ -d node_modules/@grpc/grpc-js ] || { echo "error: run npm install first (needs @grpc/grpc-js)" >&2; exit 1; }
export no_proxy=127.0.0.1,localhost NO_PROXY=127.0.0.1,localhost

# name | tcp port (50640-50649); one at a time.
SCENARIOS=(
  "abuse-rapid-reset-nghttpd|50640"
  "abuse-rapid-reset-grpc-js|50641"
  "abuse-continuation-nghttpd|50642"
  "abuse-ping-flood-grpc-js|50643"
  "abuse-ping-flood-grpcio|50644"
  "abuse-floods-nghttpd|50645"
  "abuse-hpack-bomb-nghttpd|50646"
)

wanted=("$@")
made=()
for entry in "${SCENARIOS[@]}"; do
  name=${entry%%|*}
  port=${entry##*|}
  if [ ${#wanted[@]} -gt 0 ] && [[ ! " ${wanted[*]} " == *" $name "* ]]; then continue; fi
  record "$name" "$port" node "$HERE/scenario.mjs" "$name" "$port"
  made+=("$name")
done
node scripts/make-golden.mjs "${made[@]}"
