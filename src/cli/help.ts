/** The text of `h2scope --help`. docs/cli.md is generated from the same option table (scripts/gen-cli-doc.ts). */

export const USAGE = 'h2scope [options] <capture.pcap | capture.pcapng | capture.pcap.gz | ->...';

export const HELP = `h2scope - HTTP/2 and gRPC analyzer for packet captures

Usage:
  ${USAGE}
  h2scope diff [options] BEFORE AFTER     compare two captures (h2scope diff --help)

Opens an interactive terminal UI when stdout is a terminal and no --format is given;
otherwise prints a report (--format text by default). "-" reads the capture from stdin.
Several captures are merged by packet time into one analysis (like mergecap).

Output:
  -f, --format FMT          text | json | ndjson | har | markdown
  -o, --output FILE         write the report to FILE instead of stdout
  -s, --summary             one-screen report: diagnostics, per-method calls, error rates,
                            latency percentiles, bytes, per-connection totals
  -Y, --filter EXPR         show only the calls, frames, connections and diagnostics that
                            match EXPR (see "Filters" below)
  -w, --write-pcap FILE     also write the packets of the matching connections to FILE (pcap)
      --fail-on LEVEL       exit 3 when a diagnostic of LEVEL (error | warning) or worse exists
      --payload P           gRPC messages in the records: full (default) | head (bytes fields and
                            hex previews cut to their first 32 bytes) | none (not decoded)
      --snapshot-interval S with --format ndjson: a "connection" line ("open": true) for each
                            open connection that changed, every S seconds of capture time
                            (0: none; default 10 when reading stdin, else 0)
  -j, --threads N           decode a capture file's connections on N threads, same output
                            (default 1; see docs/performance.md before raising it)

Decoding:
  -p, --port N              treat TCP port N as HTTP/2 even without a connection preface
                            (repeatable)
      --decode-as PORT=P    decode TCP port PORT as P: h2 or grpc (repeatable)
      --proto FILE          decode gRPC messages with this .proto file (repeatable)
  -I, --proto-path DIR      where .proto imports are looked up (repeatable)
      --descriptor-set FILE a FileDescriptorSet (protoc --include_imports
                            --descriptor_set_out) to decode messages with (repeatable)
      --keylog FILE         TLS key log (SSLKEYLOGFILE format) to decrypt TLS connections
      --infer-proto DIR     write a .proto skeleton per service to DIR, inferred from the
                            schema-less messages of every call (ambiguous types marked)
      --reflection-first    read the capture twice: first for the schema its gRPC server
                            reflection responses carry, then to decode every call with it,
                            the calls before those responses too

Other:
  -q, --quiet               no progress bar on stderr
  -h, --help                this help
  -V, --version             print the version

Filters (Wireshark-like; docs/cli.md lists every field):
  fields     grpc.method grpc.status grpc.outcome grpc.duration http2.type http2.stream
             http2.error http2.header.NAME conn.client conn.server conn.port diag.code ...
  operators  == != < <= > >= ~ (regex) contains, && || ! (or: and or not), ( )
  values     "text", 'text', 42, 1.5s, 250ms, /regex/i, names: UNAVAILABLE, DATA, CANCEL

Examples:
  h2scope capture.pcap                                  # interactive UI
  h2scope capture.pcapng --format json > decoded.json   # every connection, call and frame
  tcpdump -i any -U -w - port 50051 | h2scope --format ndjson - | jq .
  h2scope capture.pcap --filter 'grpc.status != 0'      # failed calls only
  h2scope capture.pcap --summary --fail-on error        # CI gate: exit 3 on errors
  h2scope capture.pcap --proto api.proto -I protos/ --filter 'grpc.method ~ "Checkout"'
  h2scope tls.pcapng --keylog keys.log                  # decrypt with SSLKEYLOGFILE keys
  h2scope capture.pcap --filter 'grpc.outcome == deadline-exceeded' --write-pcap slow.pcap
  h2scope capture.pcap --format markdown > incident.md
  h2scope client-host.pcap server-host.pcap --summary   # two captures, one analysis
  h2scope diff before.pcap after.pcap                   # what changed (h2scope diff --help)

Exit status: 0 decoded, 1 input unusable, 2 usage error, 3 --fail-on matched.
`;

export const DIFF_USAGE = 'h2scope diff [options] BEFORE AFTER | --before FILE... --after FILE...';

export const DIFF_HELP = `h2scope diff - compare two captures: did the change help?

Usage:
  ${DIFF_USAGE}

Decodes both sides (several captures on one side are merged by packet time) and prints, side by side
with the change: a verdict line per incident type (failed calls, p99 latency, window starvation,
GOAWAYs with an error, connection churn, every warning or error diagnostic), then per method (calls,
errors, error rate, p50/p90/p99/max latency, status mix), per server endpoint (connections, calls,
errors, latency, flow-control stalls, GOAWAYs, how connections ended) and per diagnostic code.

Options:
  -f, --format FMT          text (default) | markdown | json
  -o, --output FILE         write the comparison to FILE instead of stdout
      --before FILE         a capture of the "before" side (repeatable: merged by time)
      --after FILE          a capture of the "after" side (repeatable: merged by time)
  -p, --port N, --decode-as PORT=P, --proto FILE, -I, --proto-path DIR, --descriptor-set FILE,
      --keylog FILE         decode both sides as the main command does
  -q, --quiet               nothing on stderr but errors
  -h, --help                this help

Example:
  h2scope diff small-window.pcap default-window.pcap
  h2scope diff --before a1.pcap --before a2.pcap --after b1.pcap --after b2.pcap --format markdown

Exit status: 0 compared, 1 a side has no usable capture, 2 usage error.
`;
