#!/usr/bin/env bash
# samples/h2-zero-window.pcap: real TCP zero windows. nghttpd (h2c, port 50601) sends a 256 KiB file to
# zero-window-client.py, a client with a 4 KiB receive buffer that opens every HTTP/2 window and then does not
# read for 1.5 s, on loopback; then `node scripts/make-golden.mjs h2-zero-window` and
# `node scripts/make-tcp-golden.mjs h2-zero-window` write its tshark goldens. Needs root, nghttpd, tcpdump.
set -uo pipefail
cd "$(dirname "$0")/../../.."
NAME=h2-zero-window
PORT=50601
work=$(mktemp -d)
cleanup() {
  [ -n "${server_pid:-}" ] && kill "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
command -v nghttpd >/dev/null || { echo "skip: nghttpd not found (Debian package nghttp2-server)" >&2; exit 3; }
mkdir -p "$work/docroot"
head -c 262144 /dev/zero | tr '\0' 'z' >"$work/docroot/large.bin"
nghttpd --no-tls -d "$work/docroot" "$PORT" >"$work/nghttpd.log" 2>&1 &
server_pid=$!
sleep 0.5
: >"$work/tcpdump.err"
tcpdump -i lo --immediate-mode -B 65536 -U -s 0 -w "$work/capture.pcap" "tcp port $PORT" 2>"$work/tcpdump.err" &
tcpdump_pid=$!
for _ in $(seq 100); do grep -q 'listening on' "$work/tcpdump.err" && break; sleep 0.05; done
python3 scripts/samples/loss/zero-window-client.py "$PORT" >"$work/client.json"
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
  description: "nghttpd 1.52 (h2c) sends a 256 KiB file over loopback to a hand-built HTTP/2 client (scripts/samples/loss/zero-window-client.py) with a 4 KiB receive buffer and every HTTP/2 window opened to the maximum, which does not read for 1.5 s: real TCP zero windows advertised by the client, then the whole file read.",
  generator: "scripts/samples/loss/zero-window.sh",
  ports: [Number(process.argv[2])],
  linkType: "EN10MB",
  expect: { tcpConnections: 1, client },
};
process.stdout.write(JSON.stringify(meta, null, 2) + "\n");
' "$work/client.json" "$PORT" >"samples/$NAME.meta.json"
echo "$NAME: $(stat -c %s "samples/$NAME.pcap") bytes"
