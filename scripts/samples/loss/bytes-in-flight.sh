#!/usr/bin/env bash
# samples/h2-bytes-in-flight.pcap: about 1,500 unacknowledged segments in flight, for tshark's
# tcp.analysis.bytes_in_flight and ack_rtt past h2scope's old 512-segment list. nghttp (HTTP/2 windows of
# 1 MiB) GETs a 1 MiB file from nghttpd (h2c, port 50603) in two network namespaces routed through a third.
# All links have an MTU of 400 (348-byte segments, offloads off); the server's congestion control is Reno
# (cubic's HyStart leaves slow start as soon as the queue delays ACKs); the router forwards server->client
# through a 12 Mbit/s token bucket with a 1500 KB queue, so the server's window grows into the queue. The
# capture, on the router's server link (server-side view: a segment is seen before it waits in the queue, its
# ACK after), shows up to ~1,500 segments (~520 KB) in flight. No loss: the queue never overflows. Then `node scripts/make-golden.mjs
# h2-bytes-in-flight` and `node scripts/make-tcp-golden.mjs h2-bytes-in-flight` write its tshark goldens.
# Needs root, iproute2 (ip netns), tc (tbf), nghttpd and nghttp (nghttp2-server, nghttp2-client), tcpdump.
set -uo pipefail
cd "$(dirname "$0")/../../.."
NAME=h2-bytes-in-flight
PORT=50603
NSC=h2scope-bif-c
NSR=h2scope-bif-r
NSS=h2scope-bif-s
work=$(mktemp -d)

cleanup() {
  [ -n "${server_pid:-}" ] && kill "$server_pid" 2>/dev/null
  for ns in "$NSC" "$NSR" "$NSS"; do ip netns del "$ns" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT

if ! ip netns add "$NSC" 2>/dev/null; then
  echo "skip: ip netns not available" >&2
  exit 3
fi
for tool in nghttpd nghttp tc; do
  command -v "$tool" >/dev/null || { echo "skip: $tool not found" >&2; exit 3; }
done
ip netns add "$NSR"
ip netns add "$NSS"
# client (10.232.1.2) -- router (10.232.1.1 | 10.232.2.1) -- server (10.232.2.2)
ip link add h2b-c1 netns "$NSC" type veth peer name h2b-rc netns "$NSR"
ip link add h2b-s1 netns "$NSS" type veth peer name h2b-rs netns "$NSR"
ip -n "$NSC" addr add 10.232.1.2/24 dev h2b-c1
ip -n "$NSR" addr add 10.232.1.1/24 dev h2b-rc
ip -n "$NSR" addr add 10.232.2.1/24 dev h2b-rs
ip -n "$NSS" addr add 10.232.2.2/24 dev h2b-s1
for pair in "$NSC h2b-c1" "$NSR h2b-rc" "$NSR h2b-rs" "$NSS h2b-s1"; do
  set -- $pair
  ip -n "$1" link set "$2" mtu 400 up
  ip netns exec "$1" ethtool -K "$2" tso off gso off gro off >/dev/null 2>&1
done
for ns in "$NSC" "$NSR" "$NSS"; do ip -n "$ns" link set lo up; done
ip -n "$NSC" route add default via 10.232.1.1
ip -n "$NSS" route add default via 10.232.2.1
ip netns exec "$NSR" sysctl -qw net.ipv4.ip_forward=1
# Reno: cubic's HyStart would leave slow start as soon as the queue delays the ACKs, and keep the window small.
ip netns exec "$NSS" sysctl -qw net.ipv4.tcp_congestion_control=reno
ip netns exec "$NSR" tc qdisc add dev h2b-rc root tbf rate 12mbit burst 4kb limit 1500kb

mkdir -p "$work/docroot"
head -c 1048576 /dev/zero | tr '\0' 'b' >"$work/docroot/large.bin"
ip netns exec "$NSS" nghttpd --no-tls -a 10.232.2.2 -d "$work/docroot" "$PORT" >"$work/nghttpd.log" 2>&1 &
server_pid=$!
sleep 0.5

: >"$work/tcpdump.err"
ip netns exec "$NSR" tcpdump -i h2b-rs --immediate-mode -B 65536 -U -s 0 -w "$work/capture.pcap" "tcp port $PORT" 2>"$work/tcpdump.err" &
tcpdump_pid=$!
for _ in $(seq 100); do grep -q 'listening on' "$work/tcpdump.err" && break; sleep 0.05; done
ip netns exec "$NSC" nghttp -n -s -w 20 -W 20 "http://10.232.2.2:$PORT/large.bin" >"$work/client.log" 2>&1
status=$?
sleep 0.5
kill -INT "$tcpdump_pid"
wait "$tcpdump_pid" 2>/dev/null
dropped=$(ip netns exec "$NSR" tc -s qdisc show dev h2b-rc | grep -o 'dropped [0-9]*' | head -1)
if [ "$status" -ne 0 ] || ! grep -q '^0 packets dropped by kernel' "$work/tcpdump.err"; then
  echo "error: nghttp exit $status or tcpdump dropped packets" >&2
  cat "$work/client.log" "$work/tcpdump.err" >&2
  exit 1
fi
echo "router queue: $dropped" >&2
cat "$work/capture.pcap" >"samples/$NAME.pcap"
node -e '
const meta = {
  description: "nghttp 1.52 GETs a 1 MiB file from nghttpd 1.52 (h2c, HTTP/2 windows of 1 MiB) in two network " +
    "namespaces routed through a third, all links with an MTU of 400, Reno on the server and a 12 Mbit/s token " +
    "bucket with a 1500 KB queue towards the client; captured on the router at the server link (server-side " +
    "view): up to about 1,500 unacknowledged segments (520 KB) in flight, no loss.",
  generator: "scripts/samples/loss/bytes-in-flight.sh",
  ports: [Number(process.argv[1])],
  linkType: "EN10MB",
  expect: { tcpConnections: 1, client: { path: "/large.bin", bytes: 1048576, routerQueue: process.argv[2] } },
};
process.stdout.write(JSON.stringify(meta, null, 2) + "\n");
' "$PORT" "$dropped" >"samples/$NAME.meta.json"
echo "$NAME: $(stat -c %s "samples/$NAME.pcap") bytes"
