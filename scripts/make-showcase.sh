#!/usr/bin/env bash
# samples/showcase.pcapng: one capture holding the classic incidents, for `npm start` and first-time users.
# It merges real samples (each recorded by scripts/samples/*) in time order with mergecap, then writes its
# tshark golden. Run from the repository root after the samples exist (scripts/make-samples.sh calls it).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v mergecap >/dev/null || { echo "mergecap missing: apt-get install wireshark-common" >&2; exit 3; }
parts=(grpc-js-unary grpc-js-deadline grpc-too-many-pings grpc-small-window grpc-no-server-handshake
  grpc-http1-server grpc-goaway-graceful grpc-conn-per-call)
files=()
ports=()
for p in "${parts[@]}"; do
  files+=("samples/$p.pcap")
  ports+=("$(node -e "console.log(require('./samples/$p.meta.json').ports.join(','))")")
done
mergecap -F pcapng -w samples/showcase.pcapng "${files[@]}"
node -e '
const parts = process.argv[1].split(" ");
const ports = [...new Set(process.argv[2].split(/[ ,]/).map(Number))].sort((a, b) => a - b);
const meta = {
  description:
    "The classic incidents in one capture (opened by npm start): " + parts.join(", ") +
    ", merged in time order with mergecap. Each part is a real capture described by its own meta.json.",
  generator: "scripts/make-showcase.sh",
  ports,
  linkType: "EN10MB",
  expect: { parts },
};
require("fs").writeFileSync("samples/showcase.meta.json", JSON.stringify(meta, null, 2) + "\n");
' "${parts[*]}" "${ports[*]}"
node scripts/make-golden.mjs showcase
