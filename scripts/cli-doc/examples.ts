/**
 * The content of docs/cli.md: what each option does, and the example commands whose real output the
 * generator (scripts/gen-cli-doc.ts) captures. Every option must be listed in OPTION_DOCS.
 */

export interface Example {
  title: string;
  text?: string;
  argv: string[];
  /** Feed this file on stdin (shown as `cat FILE | h2scope ...`). */
  stdin?: string;
  /** Output files the command writes: created in a temporary directory, shown by name. */
  writes?: string[];
  /** A jq filter shown after the command, and the same selection done here. */
  jq?: { shown: string; apply: (stdout: string) => string };
  maxLines?: number;
  maxWidth?: number;
  hideStderr?: boolean;
}

export interface ExampleGroup {
  title: string;
  text: string;
  examples: Example[];
}

export const OPTION_DOCS: Record<string, { text: string; arg?: string; example?: string }> = {
  format: {
    arg: 'FMT',
    text: '`text` (default), `json`, `ndjson`, `har` or `markdown`. Without it, a terminal on stdout gets the TUI.',
    example: 'ndjson: one record per line',
  },
  output: { arg: 'FILE', text: 'Write the report to FILE instead of stdout.' },
  summary: {
    text: 'A one-screen text report: diagnostics first, then calls per method (count, errors, error rate, p50/p90/p99/max latency, message bytes), then connections.',
    example: 'summary: the one-screen report',
  },
  filter: {
    arg: 'EXPR',
    text: 'Show only the records that match EXPR (see [Filters](#filters)); a connection is shown when it or any of its records matches.',
    example: 'failed calls only',
  },
  'write-pcap': {
    arg: 'FILE',
    text: 'Also write the packets of the matching connections (all connections without --filter) to a new classic pcap, in capture order.',
    example: 'a minimal capture to share',
  },
  'fail-on': {
    arg: 'LEVEL',
    text: '`error` or `warning`: exit 3 when a diagnostic of that severity or worse exists (counted before --filter). For CI gates.',
    example: 'a CI gate',
  },
  port: {
    arg: 'N',
    text: 'Treat TCP port N as HTTP/2 even without a connection preface (captures that start mid-connection).',
    example: 'port and decode-as',
  },
  'decode-as': {
    arg: 'PORT=h2|grpc',
    text: 'Decode TCP port PORT as HTTP/2 (`h2`) or as HTTP/2 carrying gRPC (`grpc`).',
    example: 'port and decode-as',
  },
  proto: {
    arg: 'FILE',
    text: 'Decode gRPC messages with the types of this .proto file; without a schema messages are decoded schema-less (like `protoc --decode_raw`).',
    example: 'decoding messages with a proto file',
  },
  'proto-path': { arg: 'DIR', text: 'Where imports of the .proto files are looked up, like `protoc -I`.' },
  'descriptor-set': {
    arg: 'FILE',
    text: 'A FileDescriptorSet (`protoc --include_imports --descriptor_set_out=FILE`) to decode messages with.',
  },
  keylog: {
    arg: 'FILE',
    text: 'A TLS key log (the SSLKEYLOGFILE format) to decrypt TLS connections; pcapng files with embedded secrets need none.',
    example: 'decrypting tls',
  },
  payload: {
    arg: 'P',
    text: 'How much of each gRPC message the records show: `full` (default: every message decoded, every byte of a bytes field as hex), `head` (the same, but a bytes field or hex preview longer than 32 bytes keeps its first 32, with `length` and `truncated`), `none` (messages not decoded: `decoded` is `{"kind":"skipped"}`; decompression and a --proto schema still run, so the diagnostics are the same). Payload hex is most of a json or ndjson report of large messages, and most of its cost (docs/performance.md).',
    example: 'payload head',
  },
  'snapshot-interval': {
    arg: 'SECONDS',
    text: 'With `--format ndjson`: every SECONDS of capture time, a `connection` line for each connection still open that saw packets since its previous one, its record marked `"open": true` (endReason `"open"`, figures as of `end`); the final record follows when the connection ends. `0`: none. Default 10 when the capture comes from stdin (`-`, a live pipe), else 0, so reports of files are unchanged ([output.md](output.md#open-connections)).',
    example: 'ndjson: open connections',
  },
  'infer-proto': {
    arg: 'DIR',
    text: 'Write a best-effort .proto skeleton per service (`DIR/pkg.Service.proto`) inferred from the schema-less decoding of every call of each method: field numbers, wire types, repetition and nesting are from the wire; names are `field_N`, and every type the wire leaves open (varint: int32/int64/uint64/sint64/bool/enum; LEN: message, string or bytes; fixed: float or integer) is written with an `AMBIGUOUS` comment giving the alternatives and examples, never silently. Calls decoded with a schema (`--proto`, `--descriptor-set`, server reflection) are not used. Needs the messages: not with `--payload none`.',
    example: 'a proto skeleton from the capture',
  },
  threads: {
    arg: 'N',
    text: 'Decode a capture file on N threads (the main thread and N-1 workers): each parses the file through TCP reassembly and decodes its share of the connections (the main thread, which also merges, 3 for every 5 of a worker; HTTP/2, HPACK, gRPC, analysis; for ndjson it also writes the lines), and the main thread, besides its own share, merges their records back into capture order, so the report is byte for byte the one of `--threads 1` (one thread, no workers). Default 1: on the 2-core machine it was measured on, two threads cost 1.4 to 2 times the CPU time on captures of large payloads and gained wall time only on the 1M-frame small-calls capture, so the multi-core default is off until measured on a quiet machine. Standard input, `--snapshot-interval` and named pipes always decode on one thread. Speed-up and method: [performance.md](performance.md#threads-issue-13-item-2).',
  },
  'reflection-first': {
    text: 'Read the capture file twice: first (payloads undecoded) for the schema its gRPC server reflection responses carry, then to decode every call with it, those before the reflection response too. `grpc.reflection-schema-first-pass` counts and names the calls decoded late. Without it, decoding is one pass and calls before the response stay schema-less (`grpc.reflection-schema-late`). Not with standard input, and not for the TUI (it decodes as it reads: a usage error says so).',
  },
  quiet: { text: 'No progress line and no notes on stderr (errors are still printed).' },
  help: { text: 'The help text below, and exit 0.', example: 'help' },
  version: { text: 'Print the version and exit 0.' },
};

const UNARY = 'samples/grpc-js-unary.pcap';

function jqLines(shown: string, select: (record: Record<string, unknown>) => unknown): Example['jq'] {
  return {
    shown,
    apply: (stdout) =>
      stdout
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => select(JSON.parse(l) as Record<string, unknown>))
        .filter((v) => v !== undefined)
        .map((v) => JSON.stringify(v))
        .join('\n') + '\n',
  };
}

export const EXAMPLES: ExampleGroup[] = [
  {
    title: 'Reports',
    text: 'All examples run on the captures in `samples/` (each has a `.meta.json` saying what it contains).',
    examples: [
      { title: 'help', argv: ['--help'] },
      {
        title: 'text: the default report',
        text: 'The readable report for terminals, tickets and CI logs.',
        argv: [UNARY],
        maxLines: 30,
        maxWidth: 160,
      },
      {
        title: 'summary: the one-screen report',
        text: 'The percentiles are exact (nearest rank, an observed duration) up to 2^20 (1,048,576) calls of a method. Past that, so that a connection carrying calls for days holds flat memory, a method\'s durations fold into a log-bucketed histogram (src/model/value-series.ts): its P50/P90/P99 and its "P99 CALLS DOMINATED BY" cell are then within 1% of the exact value, shown with a leading `~` and a footnote line under the table; MAX, counts, bytes and the shares of call time stay exact. `--format markdown` and the TUI\'s Stats screen mark them with `~` too.',
        argv: [UNARY, '--summary'],
      },
      {
        title: 'json: one document',
        text: '`{capture, connections: [{...connection, calls, frames}], diagnostics}` (fields in [output.md](output.md)).',
        argv: [UNARY, '--format', 'json'],
        maxWidth: 300,
      },
      {
        title: 'ndjson: one record per line',
        text: 'Records are written as soon as they are complete; a connection record follows its frames and calls; the `capture` record is last.',
        argv: [UNARY, '--format', 'ndjson'],
        maxLines: 12,
        maxWidth: 150,
      },
      {
        title: 'ndjson: open connections',
        text: 'A connection that has not ended is shown by snapshots: `connection` lines with `"open": true` (endReason `"open"`, figures as of `end`), one per interval while it changes, then its final record. Here every second of capture time of a connection sending keepalive PINGs (jq keeps the connection lines).',
        argv: ['samples/grpc-keepalive.pcap', '--format', 'ndjson', '--snapshot-interval', '1'],
        jq: jqLines(
          '-c \'select(.type=="connection") | .connection | [.open, .endReason, .end, .frameCount, (.pings.client | {sent, rttMs})]\'',
          (r) => {
            if (r['type'] !== 'connection') return undefined;
            const c = r['connection'] as Record<string, unknown>;
            const pings = c['pings'] as { client: Record<string, unknown> } | undefined;
            const client = pings && { sent: pings.client['sent'], rttMs: pings.client['rttMs'] };
            return [c['open'] ?? null, c['endReason'], c['end'], c['frameCount'], client ?? null];
          },
        ),
        maxWidth: 150,
      },
      {
        title: 'har: for browser dev tools',
        text: 'One HAR 1.2 entry per HTTP/2 request (gRPC calls included): headers, bodies (base64 when binary), timings; gRPC facts in `_grpc`.',
        argv: [UNARY, '--format', 'har', '--filter', 'grpc.status == 9'],
        maxLines: 40,
        maxWidth: 120,
      },
      {
        title: 'markdown: an incident summary for a ticket',
        argv: ['samples/grpc-js-deadline.pcap', '--format', 'markdown'],
        maxWidth: 240,
      },
    ],
  },
  {
    title: 'Filtering and exporting',
    text: 'The [filter language](#filters) selects calls, frames, connections and diagnostics.',
    examples: [
      {
        title: 'failed calls only',
        argv: [UNARY, '--filter', 'grpc.status != 0', '--format', 'ndjson'],
        jq: jqLines('-c \'select(.type=="call") | .call | [.stream, .statusName, .message]\'', (r) => {
          const call = r.call as { stream: number; statusName: string; message: string } | undefined;
          return call ? [call.stream, call.statusName, call.message] : undefined;
        }),
      },
      {
        title: 'frames by type and connection fields',
        argv: [
          'samples/grpc-conn-per-call.pcap',
          '--filter',
          'http2.type == GOAWAY && conn.client.port == 43842',
          '-f',
          'ndjson',
        ],
        jq: jqLines('-c \'select(.type=="frame") | .frame | [.connection, .from, .errorCode]\'', (r) => {
          const f = r.frame as { connection: string; from: string; errorCode: string } | undefined;
          return f ? [f.connection, f.from, f.errorCode] : undefined;
        }),
      },
      {
        title: 'a syntax error',
        argv: [UNARY, '--filter', 'grpc.status == 0 && (http2.type == DATA'],
      },
      {
        title: 'a minimal capture to share',
        text: 'The packets of the matching connections go to a new pcap; with `-` (stdin) the input is spooled to a temporary file for this second pass.',
        argv: [
          'samples/grpc-conn-per-call.pcap',
          '--filter',
          'conn.id == c3',
          '--write-pcap',
          'c3.pcap',
          '--summary',
        ],
        writes: ['c3.pcap'],
        maxLines: 6,
      },
    ],
  },
  {
    title: 'Decoding options',
    text: 'Options that change what is decoded; a bad file is a usage error (exit 2) before anything is read.',
    examples: [
      {
        title: 'port and decode-as',
        text: 'This capture starts mid-connection: HTTP/2 is recognised from the frames anyway; `--port` makes it certain.',
        argv: ['samples/h2-mid-connection.pcap', '--port', '50209', '-f', 'ndjson'],
        jq: jqLines(
          '-c \'select(.type=="connection") | .connection | [.id, .h2Detection, .frameCount]\'',
          (r) => {
            const c = r.connection as { id: string; h2Detection: string; frameCount: number } | undefined;
            return c ? [c.id, c.h2Detection, c.frameCount] : undefined;
          },
        ),
      },
      {
        title: 'decoding messages with a proto file',
        argv: [
          UNARY,
          '--proto',
          'scripts/samples/protos/scope.proto',
          '--filter',
          'http2.stream == 1',
          '-f',
          'ndjson',
        ],
        jq: jqLines('-c \'select(.type=="call") | .call.requests[0].decoded\'', (r) =>
          r.type === 'call'
            ? (r.call as { requests: Array<{ decoded: unknown }> }).requests[0]?.decoded
            : undefined,
        ),
      },
      {
        title: 'payload head',
        text: 'A 1.2 MB message whose bytes field is shown by its first 32 bytes and its length.',
        argv: ['samples/grpc-js-large.pcap', '--payload', 'head', '-f', 'ndjson'],
        jq: jqLines('-c \'select(.type=="call") | .call.responses[0].decoded\'', (r) =>
          r.type === 'call'
            ? (r.call as { responses: Array<{ decoded: unknown }> }).responses[0]?.decoded
            : undefined,
        ),
        maxWidth: 300,
      },
      {
        title: 'a proto skeleton from the capture',
        argv: ['samples/grpc-js-streaming.pcap', '--summary', '--infer-proto', 'inferred'],
        writes: ['inferred'],
        maxLines: 8,
      },
      {
        title: 'a proto file that does not load',
        argv: [UNARY, '--proto', 'scripts/cli-doc/broken.proto'],
        maxWidth: 200,
      },
      {
        title: 'decrypting tls',
        argv: ['samples/tls-grpc-js-13.pcap', '--keylog', 'samples/tls-grpc-js-13.keys', '--summary'],
        maxWidth: 200,
      },
      {
        title: 'a schema from server reflection',
        text: 'A capture holding gRPC server reflection responses (grpcurl, Postman, a grpc-js reflection client) decodes every later call with the schema they carry, as if given with `--descriptor-set`; calls before the response stay schema-less and are counted ([grpc.md](grpc.md#schemas-from-server-reflection)).',
        argv: ['samples/grpc-reflection.pcap', '--format', 'ndjson'],
        jq: jqLines(
          '-c \'select(.type=="call") | .call | [.stream, .method, .schemaSource, .requests[0].decoded.kind]\'',
          (r) => {
            const c = r.call as
              | {
                  stream: number;
                  method: string;
                  schemaSource?: string;
                  requests: { decoded: { kind: string } }[];
                }
              | undefined;
            return c ? [c.stream, c.method, c.schemaSource ?? null, c.requests[0]?.decoded.kind] : undefined;
          },
        ),
      },
    ],
  },
  {
    title: 'Several captures, and before/after',
    text: 'Captures of one incident taken on several hosts are read as one, merged by packet time like mergecap: packet indexes count packets of the merged stream, connection ids are unique across the files, and a connection seen in two files (the same addresses and ports) is one connection whose duplicate segments count once. `h2scope diff` compares two captures (or two sets of them).',
    examples: [
      {
        title: 'several captures, one analysis',
        argv: ['samples/grpc-small-window.pcap', 'samples/grpc-conn-per-call.pcap', '--summary'],
        maxWidth: 160,
      },
      {
        title: 'diff: did the change help?',
        text: 'A verdict line per incident type (failed calls, p99 latency, window starvation by time stalled, GOAWAYs with an error, connections per call, each warning or error diagnostic), then per method, per server endpoint (connections of two captures cannot be paired one to one) and per diagnostic code, each cell `before -> after`.',
        argv: ['diff', 'samples/grpc-small-window.pcap', 'samples/grpc-js-large.pcap'],
        maxWidth: 200,
      },
      {
        title: 'diff as markdown, several captures on a side',
        argv: [
          'diff',
          '--before',
          'samples/grpc-conn-per-call.pcap',
          '--before',
          'samples/grpc-goaway-graceful.pcap',
          '--after',
          'samples/grpc-burst.pcap',
          '--format',
          'markdown',
        ],
        maxLines: 14,
        maxWidth: 200,
      },
      {
        title: 'diff as json',
        text: 'The fields are in [output.md](output.md#h2scope-diff).',
        argv: ['diff', 'samples/grpc-small-window.pcap', 'samples/grpc-js-large.pcap', '--format', 'json'],
        jq: {
          shown: "-c '.verdicts[]'",
          apply: (stdout) =>
            (JSON.parse(stdout) as { verdicts: unknown[] }).verdicts
              .map((v) => JSON.stringify(v))
              .join('\n') + '\n',
        },
      },
      { title: 'diff --help', argv: ['diff', '--help'] },
    ],
  },
  {
    title: 'Bad input and exit status',
    text: 'One line on stderr says what is wrong and where; whatever was decoded before is still reported.',
    examples: [
      {
        title: 'not a capture',
        argv: ['samples/damaged-notacapture.pcap', '-f', 'json'],
        hideStderr: false,
        maxWidth: 200,
      },
      {
        title: 'a truncated capture',
        argv: ['samples/damaged-truncated.pcap', '--summary'],
        maxLines: 4,
        maxWidth: 200,
      },
      {
        title: 'a CI gate',
        text: 'The capture is decoded and reported as usual; the exit status says a warning was found.',
        argv: ['samples/damaged-truncated.pcap', '--fail-on', 'warning', '--summary'],
        maxLines: 5,
        maxWidth: 200,
      },
      {
        title: 'an empty pipe',
        argv: ['-', '-f', 'ndjson'],
        stdin: '/dev/null',
        jq: jqLines("-c '.type'", (r) => r.type),
      },
      { title: 'an unknown option', argv: [UNARY, '--fromat', 'json'] },
    ],
  },
];
