#!/usr/bin/env bash
# Real packet loss, not a damaged file: a grpc-js client and server in two network namespaces, routed through
# a third (the "router"), which drops 4 % of the segments each way at random as it forwards them. The capture
# is taken in the router on the client's link, so it is a client-side view: a lost client segment is seen, then seen again retransmitted; a lost
# server segment is never seen, only its retransmission (with the client's duplicate ACKs before it).
# This kernel has no sch_netem (`tc qdisc ... netem` fails), so nftables' `numgen random` does the dropping;
# there is no added delay (RTTs are veth-fast, retransmission timeouts are Linux's 200 ms minimum).
#   samples/tcp-loss-grpc-js.pcap (port 50600); then `node scripts/make-golden.mjs tcp-loss-grpc-js` and
#   `node scripts/make-tcp-golden.mjs tcp-loss-grpc-js` write its tshark goldens
# Needs root, iproute2 (ip netns), nftables, tcpdump. Exit 3 when netns or nft are not available.
set -uo pipefail
cd "$(dirname "$0")/../../.."
NAME=tcp-loss-grpc-js
PORT=50600
LOSS_PERMILLE=${LOSS_PERMILLE:-40}
NSC=h2scope-loss-c
NSR=h2scope-loss-r
NSS=h2scope-loss-s
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
if ! command -v nft >/dev/null; then
  echo "skip: nft not found (Debian package nftables)" >&2
  exit 3
fi
ip netns add "$NSR"
ip netns add "$NSS"
# client (10.231.1.2) -- router (10.231.1.1 | 10.231.2.1) -- server (10.231.2.2)
ip link add h2s-c1 netns "$NSC" type veth peer name h2s-rc netns "$NSR"
ip link add h2s-s1 netns "$NSS" type veth peer name h2s-rs netns "$NSR"
ip -n "$NSC" addr add 10.231.1.2/24 dev h2s-c1
ip -n "$NSR" addr add 10.231.1.1/24 dev h2s-rc
ip -n "$NSR" addr add 10.231.2.1/24 dev h2s-rs
ip -n "$NSS" addr add 10.231.2.2/24 dev h2s-s1
for ns in "$NSC" "$NSR" "$NSS"; do ip -n "$ns" link set lo up; done
ip -n "$NSC" link set h2s-c1 up
ip -n "$NSR" link set h2s-rc up
ip -n "$NSR" link set h2s-rs up
ip -n "$NSS" link set h2s-s1 up
ip -n "$NSC" route add default via 10.231.1.1
ip -n "$NSS" route add default via 10.231.2.1
ip netns exec "$NSR" sysctl -qw net.ipv4.ip_forward=1
# Segmentation offloads off: the capture shows the segments as they travel, not 64 KiB super-packets.
for pair in "$NSC h2s-c1" "$NSR h2s-rc" "$NSR h2s-rs" "$NSS h2s-s1"; do
  set -- $pair
  ip netns exec "$1" ethtool -K "$2" tso off gso off gro off >/dev/null 2>&1
done
# The kernel here has no sch_netem, so loss comes from nftables' random drop, in the router's forward hook
# (it sees wire-sized segments; a sender's output hook sees TSO-sized buffers): client->server segments are
# dropped after the capture saw them arrive, server->client ones before the capture could see them leave.
ip netns exec "$NSR" nft -f - <<NFT
table inet loss {
  chain forward {
    type filter hook forward priority 0;
    tcp dport $PORT numgen random mod 1000 < $LOSS_PERMILLE counter drop;
    tcp sport $PORT numgen random mod 1000 < $LOSS_PERMILLE counter drop;
  }
}
NFT

ip netns exec "$NSS" npx tsx scripts/samples/loss/server.ts 10.231.2.2:$PORT 2>"$work/server.err" &
server_pid=$!
for _ in $(seq 100); do grep -q listening "$work/server.err" && break; sleep 0.1; done

: >"$work/tcpdump.err"
ip netns exec "$NSR" tcpdump -i h2s-rc --immediate-mode -B 65536 -U -s 0 -w "$work/capture.pcap" "tcp port $PORT" 2>"$work/tcpdump.err" &
tcpdump_pid=$!
for _ in $(seq 100); do grep -q 'listening on' "$work/tcpdump.err" && break; sleep 0.05; done
ip netns exec "$NSC" npx tsx scripts/samples/loss/client.ts 10.231.2.2:$PORT >"$work/client.json" 2>"$work/client.err"
status=$?
sleep 0.5
kill -INT "$tcpdump_pid"
wait "$tcpdump_pid" 2>/dev/null
if [ "$status" -ne 0 ] || ! grep -q '^0 packets dropped by kernel' "$work/tcpdump.err"; then
  echo "error: client exit $status or tcpdump dropped packets" >&2
  cat "$work/client.err" "$work/tcpdump.err" >&2
  exit 1
fi
for ns in "$NSR"; do ip netns exec "$ns" nft list ruleset | grep -o "counter packets [0-9]*" | sed "s/^/$ns dropped: /" >&2; done
cat "$work/capture.pcap" >"samples/$NAME.pcap"
node -e '
const client = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const meta = {
  description: "grpc-js 1.14.7 client and server in two network namespaces routed through a third that " +
    "drops " + process.argv[2] + " per mille of the segments each way at random (nftables numgen), captured on the " +
    "router at the client link (client-side view): 24 Echo calls (4 at a time, 1 KiB) and 6 Bulk calls " +
    "(8 x 8 KiB) on one connection, with real TCP retransmissions, duplicate ACKs and fast retransmits.",
  generator: "scripts/samples/loss/run-all.sh",
  ports: [Number(process.argv[3])],
  linkType: "EN10MB",
  expect: { tcpConnections: 1, dropPerMille: Number(process.argv[2]), client },
  tsharkPrefs: ["tcp.reassemble_out_of_order:TRUE"],
};
process.stdout.write(JSON.stringify(meta, null, 2) + "\n");
' "$work/client.json" "$LOSS_PERMILLE" "$PORT" >"samples/$NAME.meta.json"
echo "$NAME: $(stat -c %s "samples/$NAME.pcap") bytes"
