#!/usr/bin/env bash
# Records the crafted samples of the connection analysis (issue 4) on lo, ports 50500-50599: real clients
# (grpc-js, nghttp) against a deliberately misbehaving server built from hand-made frames (peer.mjs), for
# the diagnostics well-behaved peers never trigger; one scenario turns it around (a crafted client against
# a real nghttpd). Writes their goldens with scripts/make-golden.mjs.
# Needs root (tcpdump on lo); installs nothing (scripts/install-sample-tools.sh).
#
#   scripts/samples/crafted/run-all.sh            # every scenario (about 10 s)
#   scripts/samples/crafted/run-all.sh NAME...    # only these
#
# Not recorded yet: analysis.keepalive.idle-dropped (needs 30 s of silence before a FIN).
set -euo pipefail
cd "$(dirname "$0")/../../.."
SAMPLES_DIR=samples
HERE=scripts/samples/crafted
# shellcheck source=../grpc/record.sh
source scripts/samples/grpc/record.sh

need_tool tcpdump tcpdump
need_tool tshark tshark
need_tool node nodejs
need_tool nghttp nghttp2-client
[ -d node_modules/@grpc/grpc-js ] || { echo "error: run npm install first (needs @grpc/grpc-js)" >&2; exit 1; }
export no_proxy=127.0.0.1,localhost NO_PROXY=127.0.0.1,localhost

# name | tcp port (50500-50599); one at a time.
SCENARIOS=(
  "crafted-refused-streams|50501"
  "crafted-ping-unanswered|50502"
  "crafted-window-overrun|50503"
  "crafted-settings-unacknowledged|50504"
  "crafted-goaway-compression|50505"
  "crafted-bad-state|50506"
  "crafted-idle-dropped|50507"
  "crafted-goaway-flow-control|50508"
  "crafted-goaway-calm|50509"
  "crafted-refused-stream|50510"
  "crafted-window-overflow|50511"
  "crafted-stream-reset|50512"
  "crafted-concurrency-exceeded|50513"
)

wanted=("$@")
recorded=()
failed=()
for entry in "${SCENARIOS[@]}"; do
  IFS='|' read -r name port <<<"$entry"
  if [ ${#wanted[@]} -gt 0 ] && [[ " ${wanted[*]} " != *" $name "* ]]; then continue; fi
  if record "$name" "$port" node "$HERE/scenario.mjs" "$name" "$port"; then
    recorded+=("$name")
  else
    failed+=("$name")
  fi
done
if [ ${#recorded[@]} -gt 0 ]; then
  node scripts/make-golden.mjs "${recorded[@]}" || failed+=("golden")
fi

if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "recorded: ${recorded[*]}"
