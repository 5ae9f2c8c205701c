/** The text of `h2scope --help`. docs/cli.md is generated from the same option table (scripts/gen-cli-doc.ts). */

export const USAGE = 'h2scope [options] <capture.pcap | capture.pcapng | capture.pcap.gz | ->';

export const HELP = `h2scope - HTTP/2 and gRPC analyzer for packet captures

Usage:
  ${USAGE}

Opens an interactive terminal UI when stdout is a terminal and no --format is given;
otherwise prints a report (--format text by default). "-" reads the capture from stdin.

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

Exit status: 0 decoded, 1 input unusable, 2 usage error, 3 --fail-on matched.
`;
