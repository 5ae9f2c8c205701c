#!/usr/bin/env bash
# Regenerates every sample in samples/ from real peers over loopback, then every tshark golden:
#   scripts/samples/grpc/run-all.sh   gRPC samples (ports 50100-50199)
#   scripts/samples/grpc/late-start.sh  captures that join a live gRPC channel late (ports 50120, 50121)
#   scripts/samples/h2/run-all.sh     HTTP/2 samples, derived copies and damaged variants (ports 50200-50299)
#   scripts/samples/tls/run-all.sh    TLS samples with key logs (ports 50300-50399), when present
#   scripts/samples/crafted/run-all.sh  real clients against a crafted misbehaving server (ports 50500-50599)
#   scripts/samples/abuse/run-all.sh  crafted abusive clients against real servers (ports 50640-50649)
#   scripts/samples/peers/run-all.sh  nginx, HAProxy, Go net/http as real HTTP/2 peers (ports 50700-50749)
#   scripts/make-golden.mjs           every golden again, so all of them come from the same tshark
# One family at a time: several gRPC scenarios are timing-sensitive (deadlines, keepalive, stalls).
# Needs root (tcpdump) and the tools of scripts/install-sample-tools.sh; installs nothing.
# Exit status: 0 all made; 1 something failed; 3 only skips for missing tools (committed samples kept).
#
#   npm run samples        (or: bash scripts/make-samples.sh)
set -uo pipefail
cd "$(dirname "$0")/.."

failed=()
skipped=()
family() {
  local script=$1
  if [ ! -f "$script" ]; then
    echo "== $script: not present, skipped"
    return
  fi
  echo "== $script"
  bash "$script"
  local rc=$?
  if [ "$rc" -eq 3 ]; then
    skipped+=("$script")
  elif [ "$rc" -ne 0 ]; then
    failed+=("$script")
  fi
}

family scripts/samples/grpc/run-all.sh
family scripts/samples/grpc/late-start.sh
family scripts/samples/h2/run-all.sh
family scripts/samples/tls/run-all.sh
family scripts/samples/incidents/run-all.sh
family scripts/samples/crafted/run-all.sh
family scripts/samples/abuse/run-all.sh
family scripts/samples/peers/run-all.sh
family scripts/make-showcase.sh

echo "== scripts/make-golden.mjs (all samples)"
node scripts/make-golden.mjs || failed+=(scripts/make-golden.mjs)

if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED: ${failed[*]}" >&2
  exit 1
fi
if [ ${#skipped[@]} -gt 0 ]; then
  echo "some scenarios were skipped for missing tools (see above): ${skipped[*]}" >&2
  exit 3
fi
echo "all samples and goldens regenerated: review 'git diff --stat samples/' before committing"
