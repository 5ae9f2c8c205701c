#!/usr/bin/env bash
# Records the samples of other real HTTP/2 and gRPC peers (samples/peer-*): nginx as a gRPC proxy and as an
# HTTP/2 server, HAProxy in HTTP/2 mode, Go's net/http, a grpc-go client, curl through tinyproxy (CONNECT). Each scenario starts its servers, waits until they
# listen, then starts tcpdump itself (lib/capture.ts), so readiness probes stay out of the capture; it prints
# the meta.json on stdout. Goldens from scripts/make-golden.mjs. Ports 50700-50749; needs root (tcpdump on
# lo); installs nothing (nginx, haproxy, golang-go, golang-golang-x-net-dev, curl, nghttp2-client, nghttp2-server, tinyproxy).
#
#   scripts/samples/peers/run-all.sh            # every scenario
#   scripts/samples/peers/run-all.sh NAME...    # only these (e.g. peer-nginx-grpc-proxy)
set -uo pipefail
cd "$(dirname "$0")/../../.."
HERE=scripts/samples/peers
export no_proxy=127.0.0.1,localhost NO_PROXY=127.0.0.1,localhost

# name | scenario script and its arguments | tools it needs
SCENARIOS=(
  "peer-nginx-grpc-proxy|nginx-grpc-proxy.ts|nginx"
  "peer-nginx-h2c|nginx-h2-server.ts h2c|nginx nghttp curl"
  "peer-nginx-tls|nginx-h2-server.ts tls|nginx curl openssl"
  "peer-haproxy-grpc|haproxy-grpc.ts|haproxy"
  "peer-go-h2c|go-h2c.ts|go nghttp curl"
  "peer-grpc-go-client|go-grpc-client.ts|go"
  "peer-curl-connect-proxy|curl-connect-proxy.ts|tinyproxy nghttpd curl"
)

status=0
skipped=()
for entry in "${SCENARIOS[@]}"; do
  IFS='|' read -r name script tools <<<"$entry"
  if [ $# -gt 0 ] && [[ " $* " != *" $name "* ]]; then continue; fi
  missing=""
  for tool in tcpdump tshark $tools; do command -v "$tool" >/dev/null 2>&1 || missing+=" $tool"; done
  if [ -n "$missing" ]; then
    echo "== $name: skipped, missing:$missing" >&2
    skipped+=("$name")
    continue
  fi
  echo "== $name"
  read -r -a command <<<"$script"
  if node --import tsx "$HERE/${command[0]}" "${command[@]:1}" >"samples/$name.meta.json.new"; then
    mv "samples/$name.meta.json.new" "samples/$name.meta.json"
    node scripts/make-golden.mjs "$name" || status=1
  else
    rm -f "samples/$name.meta.json.new"
    echo "!! $name failed" >&2
    status=1
  fi
done
if [ "${#skipped[@]}" -gt 0 ] && [ "$status" -eq 0 ]; then status=3; fi
exit "$status"
