#!/usr/bin/env bash
# Regenerates every HTTP/2 sample (samples/h2-*, derived-*, damaged-*), their tshark goldens, and checks the
# goldens against what nghttp2's own logs say went over the wire. Needs root (tcpdump on lo/any) and the
# tools of scripts/install-sample-tools.sh; installs nothing. Ports 50200-50299.
# Exit status: 0 all made; 1 a scenario failed; 3 some scenario was skipped for a missing tool.
set -uo pipefail
cd "$(dirname "$0")/../../.."

status=0
skipped=()
step() {
  echo "== $1"
  node "scripts/samples/h2/$1.mjs"
  local rc=$?
  if [ "$rc" -eq 3 ]; then
    skipped+=("$1")
  elif [ "$rc" -ne 0 ]; then
    echo "!! $1 failed ($rc)" >&2
    status=1
  fi
}

# Captures first (each on its own port), then what is derived from them.
for scenario in nghttp-h2c nghttp-table-size curl-upgrade curl-prior-knowledge client-http1-server \
  http1-client ipv6 any-sll2 mid-connection nghttp-tiny-window curl-upgrade-lost-101; do
  step "$scenario"
done
step derived # needs h2-nghttp-h2c and h2-any-sll2
step damaged # needs h2-nghttp-h2c

echo "== goldens"
names=()
for meta in samples/h2-*.meta.json samples/derived-*.meta.json samples/damaged-*.meta.json; do
  [ -e "$meta" ] && names+=("$(basename "$meta" .meta.json)")
done
node scripts/make-golden.mjs "${names[@]}" || status=1

echo "== nghttp2 logs vs tshark"
node scripts/samples/h2/check-golden.mjs || status=1

if [ "${#skipped[@]}" -gt 0 ]; then
  echo "SKIPPED for missing tools (committed samples kept): ${skipped[*]}" >&2
  [ "$status" -eq 0 ] && status=3
fi
exit "$status"
