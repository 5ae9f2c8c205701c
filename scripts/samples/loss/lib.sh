# Shared by the loss/ sample scripts that record a hand-built client against nghttpd over loopback
# (h2-tcp-keepalive, h2-zero-window). The caller sets NAME and PORT, makes $work (a temporary directory) and
# $work/docroot, and sources this file from the repository root.

cleanup() {
  [ -n "${server_pid:-}" ] && kill "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# nghttpd (h2c) serving $work/docroot on $PORT.
start_nghttpd() {
  command -v nghttpd >/dev/null || { echo "skip: nghttpd not found (Debian package nghttp2-server)" >&2; exit 3; }
  nghttpd --no-tls -d "$work/docroot" "$PORT" >"$work/nghttpd.log" 2>&1 &
  server_pid=$!
  sleep 0.5
}

# Runs the client command under tcpdump on lo (port $PORT), its stdout to $work/client.json; the capture goes
# to samples/$NAME.pcap only if the client succeeded and tcpdump dropped nothing.
capture_client() {
  : >"$work/tcpdump.err"
  tcpdump -i lo --immediate-mode -B 65536 -U -s 0 -w "$work/capture.pcap" "tcp port $PORT" 2>"$work/tcpdump.err" &
  local tcpdump_pid=$!
  for _ in $(seq 100); do grep -q 'listening on' "$work/tcpdump.err" && break; sleep 0.05; done
  "$@" >"$work/client.json"
  local status=$?
  sleep 0.3
  kill -INT "$tcpdump_pid"
  wait "$tcpdump_pid" 2>/dev/null
  if [ "$status" -ne 0 ] || ! grep -q '^0 packets dropped by kernel' "$work/tcpdump.err"; then
    echo "error: client exit $status or tcpdump dropped packets" >&2
    cat "$work/tcpdump.err" >&2
    exit 1
  fi
  cat "$work/capture.pcap" >"samples/$NAME.pcap"
}

# samples/$NAME.meta.json: DESCRIPTION, this generator, the port, and the client's own account.
write_meta() {
  node -e '
const client = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const meta = {
  description: process.argv[3],
  generator: process.argv[4],
  ports: [Number(process.argv[2])],
  linkType: "EN10MB",
  expect: { tcpConnections: 1, client },
};
process.stdout.write(JSON.stringify(meta, null, 2) + "\n");
' "$work/client.json" "$PORT" "$1" "scripts/samples/loss/$(basename "$0")" >"samples/$NAME.meta.json"
  echo "$NAME: $(stat -c %s "samples/$NAME.pcap") bytes"
}
