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
source scripts/samples/loss/lib.sh
mkdir -p "$work/docroot"
echo "hello over an idle connection" >"$work/docroot/small.txt"
start_nghttpd
capture_client python3 scripts/samples/loss/keepalive-client.py "$PORT"
write_meta 'A hand-built HTTP/2 client (scripts/samples/loss/keepalive-client.py) with Linux TCP keep-alive after 1 s idle, every 1 s, opens an h2c connection to nghttpd 1.52 over loopback, stays idle 2.5 s (the client kernel sends keep-alives, the server kernel ACKs them), then GETs a small file and closes.'
