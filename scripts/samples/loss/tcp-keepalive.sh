#!/usr/bin/env bash
# samples/h2-tcp-keepalive.pcap: real TCP keep-alives and their ACKs. keepalive-client.py opens an h2c
# connection to nghttpd (port 50602) with SO_KEEPALIVE every 1 s, stays idle 2.5 s, then GETs a small file;
# then `node scripts/make-golden.mjs h2-tcp-keepalive` and `node scripts/make-tcp-golden.mjs h2-tcp-keepalive`
# write its tshark goldens. Needs root, nghttpd, tcpdump.
set -uo pipefail
cd "$(dirname "$0")/../../.."
NAME=h2-tcp-keepalive
PORT=50602
work=$(mktemp -d)
cleanup() {
  [ -n "${server_pid:-}" ] && kill "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
command -v nghttpd >/dev/null || { echo "skip: nghttpd not found (Debian package nghttp2-server)" >&2; exit 3; }
mkdir -p "$work/docroot"
echo "hello over an idle connection" >"$work/docroot/small.txt"
nghttpd --no-tls -d "$work/docroot" "$PORT" >"$work/nghttpd.log" 2>&1 &
server_pid=$!
sleep 0.5
: >"$work/tcpdump.err"
tcpdump -i lo --immediate-mode -B 65536 -U -s 0 -w "$work/capture.pcap" "tcp port $PORT" 2>"$work/tcpdump.err" &
tcpdump_pid=$!
for _ in $(seq 100); do grep -q 'listening on' "$work/tcpdump.err" && break; sleep 0.05; done
python3 scripts/samples/loss/keepalive-client.py "$PORT" >"$work/client.json"
status=$?
sleep 0.3
kill -INT "$tcpdump_pid"
wait "$tcpdump_pid" 2>/dev/null
if [ "$status" -ne 0 ] || ! grep -q '^0 packets dropped by kernel' "$work/tcpdump.err"; then
  echo "error: client exit $status or tcpdump dropped packets" >&2
  cat "$work/tcpdump.err" >&2
  exit 1
fi
cat "$work/capture.pcap" >"samples/$NAME.pcap"
node -e '
const client = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const meta = {
  description: "A hand-built HTTP/2 client (scripts/samples/loss/keepalive-client.py) with Linux TCP keep-alive after 1 s idle, every 1 s, opens an h2c connection to nghttpd 1.52 over loopback, stays idle 2.5 s (the client kernel sends keep-alives, the server kernel ACKs them), then GETs a small file and closes.",
  generator: "scripts/samples/loss/tcp-keepalive.sh",
  ports: [Number(process.argv[2])],
  linkType: "EN10MB",
  expect: { tcpConnections: 1, client },
};
process.stdout.write(JSON.stringify(meta, null, 2) + "\n");
' "$work/client.json" "$PORT" >"samples/$NAME.meta.json"
echo "$NAME: $(stat -c %s "samples/$NAME.pcap") bytes"
