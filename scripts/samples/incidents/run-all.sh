#!/usr/bin/env bash
# Records the incident samples of the connection analysis (issue 4) on lo, ports 50400-50499, verifies them
# with tshark (the gRPC ones with scripts/samples/grpc/verify.ts, the h2 one with verify-h2.mjs) and writes
# their goldens with scripts/make-golden.mjs. Needs root (tcpdump on lo); installs nothing
# (scripts/install-sample-tools.sh).
#
#   scripts/samples/incidents/run-all.sh            # every scenario (about 10 s)
#   scripts/samples/incidents/run-all.sh NAME...    # only these
#
# Not recorded: GOAWAY refusing streams above last-stream-id (analysis.goaway.refused-streams). Neither
# grpc-js nor Python grpcio (C-core, two-step GOAWAY) refused a stream in bursts of concurrent calls during
# shutdown over loopback: the client stops opening streams at the first (2^31-1) GOAWAY.
# A crafted server (scripts/samples/crafted, samples/crafted-refused-streams.pcap) shows it with a real grpc-js client.
set -euo pipefail
cd "$(dirname "$0")/../../.."
SAMPLES_DIR=samples
HERE=scripts/samples/incidents
# shellcheck source=../grpc/record.sh
source scripts/samples/grpc/record.sh

need_tool tcpdump tcpdump
need_tool tshark tshark
need_tool node nodejs
need_tool nghttpd nghttp2-server
need_tool h2load nghttp2-client
need_python_grpc
[ -d node_modules/@grpc/grpc-js ] || { echo "error: run npm install first (needs @grpc/grpc-js)" >&2; exit 1; }
export no_proxy=127.0.0.1,localhost NO_PROXY=127.0.0.1,localhost

# name | tcp ports (50400-50499) | scenario script; one at a time (the deadline overrun is timing-based).
SCENARIOS=(
  "h2-refused-concurrency|50401|scenarios/h2-refused-concurrency.mjs"
  "grpc-burst|50402|scenarios/grpc-burst.ts"
  "grpc-pinned|50403|scenarios/grpc-pinned.ts"
  "grpc-deadline-overrun|50404|scenarios/grpc-deadline-overrun.ts"
  "grpc-pool|50405|scenarios/grpc-pool.ts"
  "grpc-pool-restart|50406|scenarios/grpc-pool-restart.ts"
)

wanted=("$@")
recorded=()
failed=()
for entry in "${SCENARIOS[@]}"; do
  IFS='|' read -r name ports script <<<"$entry"
  if [ ${#wanted[@]} -gt 0 ] && [[ " ${wanted[*]} " != *" $name "* ]]; then continue; fi
  if record "$name" "$ports" node --import tsx "$HERE/$script"; then
    recorded+=("$name")
  else
    failed+=("$name")
  fi
done

grpc=()
for name in "${recorded[@]}"; do
  if [ "$name" = h2-refused-concurrency ]; then
    node "$HERE/verify-h2.mjs" || failed+=("verify $name")
  else
    grpc+=("$name")
  fi
done
if [ ${#grpc[@]} -gt 0 ]; then
  node --import tsx scripts/samples/grpc/verify.ts "${grpc[@]}" || failed+=("verification")
fi
if [ ${#recorded[@]} -gt 0 ]; then
  node scripts/make-golden.mjs "${recorded[@]}" || failed+=("golden")
fi

if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "recorded and verified: ${recorded[*]}"
