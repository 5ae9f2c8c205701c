# Sourced by run-all.sh: tool checks and the capture wrapper for one scenario.
# shellcheck shell=bash

# need_tool COMMAND DEBIAN_PACKAGE: fail with the package to install (scripts/install-sample-tools.sh).
need_tool() {
  if ! command -v "$1" >/dev/null 2>&1; then
    echo "error: '$1' not found: install the Debian package '$2' (see scripts/install-sample-tools.sh)" >&2
    exit 1
  fi
}

# Debian's python3-grpcio lives in /usr/bin/python3 (a pyenv python3 on PATH has no grpc).
need_python_grpc() {
  if ! /usr/bin/python3 -c 'import grpc' >/dev/null 2>&1; then
    echo "error: /usr/bin/python3 cannot import grpc: install the Debian package 'python3-grpcio'" >&2
    exit 1
  fi
}

# record NAME PORTS COMMAND...: capture COMMAND's traffic on lo (tcp port in PORTS, comma-separated) into
# samples/NAME.pcap; COMMAND prints the meta.json on stdout, saved as samples/NAME.meta.json.
record() {
  local name=$1 ports=$2
  shift 2
  local pcap="$SAMPLES_DIR/$name.pcap" meta="$SAMPLES_DIR/$name.meta.json"
  local work filter="" port
  work=$(mktemp -d)
  for port in ${ports//,/ }; do filter+="${filter:+ or }tcp port $port"; done
  : >"$work/tcpdump.err" # exists before the background job's redirection does

  # --immediate-mode: without it the kernel hands packets over in blocks (TPACKET_V3, up to 1 s late) and
  # SIGINT discards what was not handed over yet: short scenarios came out empty. -B 65536 (KiB): the
  # default 2 MiB buffer dropped packets of the 1.2 MB loopback burst.
  tcpdump -i lo --immediate-mode -B 65536 -U -s 0 -w "$work/capture.pcap" "$filter" 2>"$work/tcpdump.err" &
  local tcpdump_pid=$!
  local tries=0
  until grep -q 'listening on' "$work/tcpdump.err"; do
    tries=$((tries + 1))
    if [ "$tries" -gt 100 ] || ! kill -0 "$tcpdump_pid" 2>/dev/null; then
      echo "error: tcpdump did not start for $name:" >&2
      cat "$work/tcpdump.err" >&2
      kill -INT "$tcpdump_pid" 2>/dev/null
      rm -rf "$work"
      return 1
    fi
    sleep 0.05
  done

  local status=0
  "$@" >"$work/meta.json" 2>"$work/scenario.err" || status=$?
  sleep 0.3 # let the last segments reach the capture
  kill -INT "$tcpdump_pid"
  wait "$tcpdump_pid" 2>/dev/null

  if ! grep -q '^0 packets dropped by kernel' "$work/tcpdump.err"; then
    echo "error: tcpdump dropped packets for $name:" >&2
    cat "$work/tcpdump.err" >&2
    status=1
  fi
  if [ "$status" -ne 0 ]; then
    echo "error: scenario $name failed (exit $status):" >&2
    tail -n 30 "$work/scenario.err" >&2
    rm -rf "$work"
    return 1
  fi
  cat "$work/capture.pcap" >"$pcap" # owned by the caller, not by the tcpdump user
  mv "$work/meta.json" "$meta"
  rm -rf "$work"
  echo "$name: $(stat -c %s "$pcap") bytes"
}
