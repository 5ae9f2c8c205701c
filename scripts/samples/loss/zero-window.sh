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
source scripts/samples/loss/lib.sh
mkdir -p "$work/docroot"
head -c 262144 /dev/zero | tr '\0' 'z' >"$work/docroot/large.bin"
start_nghttpd
capture_client python3 scripts/samples/loss/zero-window-client.py "$PORT"
write_meta 'nghttpd 1.52 (h2c) sends a 256 KiB file over loopback to a hand-built HTTP/2 client (scripts/samples/loss/zero-window-client.py) with a 4 KiB receive buffer and every HTTP/2 window opened to the maximum, which does not read for 1.5 s: real TCP zero windows advertised by the client, then the whole file read.'
