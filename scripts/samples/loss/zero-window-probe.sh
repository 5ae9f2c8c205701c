#!/usr/bin/env bash
# samples/h2-zero-window-probe.pcap: tshark's one-byte zero-window probe from a real TCP stack. Linux never
# sends one (it probes a closed window with a zero-length segment one below the next sequence number, which
# tshark calls a keep-alive: h2-zero-window), but libslirp's TCP (4.4BSD's, as used by slirp4netns, podman and
# QEMU user networking) does: its persist timer sends the next byte of data. nghttpd (h2c, port 50604) runs on
# the host's loopback; the slow reader of h2-zero-window (zero-window-client.py: 4 KiB receive buffer, does not
# read for 12 s) runs in a network namespace whose only link is slirp4netns's tap, and connects to the host as
# 10.0.2.2. The capture is on that tap, where the sender toward the client is libslirp. Then `node
# scripts/make-golden.mjs h2-zero-window-probe` and `node scripts/make-tcp-golden.mjs h2-zero-window-probe`.
# Needs root, iproute2 (ip netns), slirp4netns (Debian package), nghttpd, tcpdump.
set -uo pipefail
cd "$(dirname "$0")/../../.."
NAME=h2-zero-window-probe
PORT=50604
NS=h2scope-zwp
work=$(mktemp -d)

cleanup() {
  [ -n "${server_pid:-}" ] && kill "$server_pid" 2>/dev/null
  [ -n "${slirp_pid:-}" ] && kill "$slirp_pid" 2>/dev/null
  ip netns del "$NS" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

command -v slirp4netns >/dev/null || { echo "skip: slirp4netns not found (apt-get install slirp4netns)" >&2; exit 3; }
command -v nghttpd >/dev/null || { echo "skip: nghttpd not found (Debian package nghttp2-server)" >&2; exit 3; }
if ! ip netns add "$NS" 2>/dev/null; then
  echo "skip: ip netns not available" >&2
  exit 3
fi
ip -n "$NS" link set lo up
slirp4netns --configure --mtu=1500 --netns-type=path "/run/netns/$NS" tap0 >"$work/slirp.log" 2>&1 &
slirp_pid=$!
for _ in $(seq 100); do ip -n "$NS" addr show tap0 2>/dev/null | grep -q 10.0.2.100 && break; sleep 0.05; done
ip netns exec "$NS" ethtool -K tap0 tso off gso off gro off >/dev/null 2>&1

mkdir -p "$work/docroot"
head -c 262144 /dev/zero | tr '\0' 'z' >"$work/docroot/large.bin"
nghttpd --no-tls -a 127.0.0.1 -d "$work/docroot" "$PORT" >"$work/nghttpd.log" 2>&1 &
server_pid=$!
sleep 0.5

: >"$work/tcpdump.err"
ip netns exec "$NS" tcpdump -i tap0 --immediate-mode -B 65536 -U -s 0 -w "$work/capture.pcap" "tcp port $PORT" 2>"$work/tcpdump.err" &
tcpdump_pid=$!
for _ in $(seq 100); do grep -q 'listening on' "$work/tcpdump.err" && break; sleep 0.05; done
ip netns exec "$NS" python3 scripts/samples/loss/zero-window-client.py "$PORT" 10.0.2.2 12 >"$work/client.json"
status=$?
sleep 0.3
kill -INT "$tcpdump_pid"
wait "$tcpdump_pid" 2>/dev/null
if [ "$status" -ne 0 ] || ! grep -q '^0 packets dropped by kernel' "$work/tcpdump.err"; then
  echo "error: client exit $status or tcpdump dropped packets" >&2
  cat "$work/tcpdump.err" "$work/slirp.log" >&2
  exit 1
fi
cat "$work/capture.pcap" >"samples/$NAME.pcap"
node -e '
const client = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const meta = {
  description: process.argv[3],
  generator: "scripts/samples/loss/zero-window-probe.sh",
  ports: [Number(process.argv[2])],
  linkType: "EN10MB",
  expect: { tcpConnections: 1, client },
};
process.stdout.write(JSON.stringify(meta, null, 2) + "\n");
' "$work/client.json" "$PORT" "nghttpd 1.52 (h2c, host loopback) sends a 256 KiB file through slirp4netns 1.2.0 (libslirp 4.7.0, a 4.4BSD-derived TCP) to a hand-built HTTP/2 client (scripts/samples/loss/zero-window-client.py) in a network namespace, with a 4 KiB receive buffer, which does not read for 12 s; captured on the namespace's tap: the client's kernel advertises a zero window and libslirp's persist timer probes it with one byte of data (tshark's zero-window probe), which the client's kernel answers with a zero-window ACK. nghttpd, whose SETTINGS the paused client acknowledges only after 12 s, sends GOAWAY SETTINGS_TIMEOUT (last stream 1) and still completes the file." >"samples/$NAME.meta.json"
echo "$NAME: $(stat -c %s "samples/$NAME.pcap") bytes"
