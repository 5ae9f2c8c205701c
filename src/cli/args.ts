/**
 * Command-line arguments, parsed with node's util.parseArgs (no hand-written parser, no dependency).
 * Pure: argv in, options or a usage error out.
 */
import { parseArgs } from 'node:util';

export type Format = 'text' | 'json' | 'ndjson' | 'tui';
const FORMATS = ['text', 'json', 'ndjson'] as const;

export interface CliOptions {
  input: string;
  /** null: the TUI when stdout is a terminal, else text. */
  format: Format | null;
  output: string | null;
  ports: number[];
  quiet: boolean;
}

export type ParsedArgs =
  | { kind: 'run'; options: CliOptions }
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'usage-error'; message: string };

export const HELP = `h2scope - HTTP/2 and gRPC analyzer for packet captures

Usage:
  h2scope [options] <capture.pcap | capture.pcapng | capture.pcap.gz | ->

Opens an interactive terminal UI when stdout is a terminal and no --format is given;
otherwise prints a report (--format text by default).

Options:
  -f, --format FMT   text | json | ndjson
  -o, --output FILE  write the report to FILE instead of stdout
  -p, --port N       treat TCP port N as HTTP/2 even without a connection preface (repeatable)
  -q, --quiet        no progress on stderr
  -h, --help         this help
  -V, --version      print the version

Examples:
  h2scope capture.pcap                                   # interactive UI
  h2scope capture.pcapng --format json > frames.json     # every frame, with decoded headers
  tcpdump -i any -U -w - port 50051 | h2scope --format ndjson - | jq .
  h2scope --port 8080 --format text midstream.pcap       # HTTP/2 on 8080 without a preface

Exit status: 0 decoded, 1 input unusable, 2 usage error.
`;

export function parseCliArgs(argv: string[]): ParsedArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        format: { type: 'string', short: 'f' },
        output: { type: 'string', short: 'o' },
        port: { type: 'string', short: 'p', multiple: true },
        quiet: { type: 'boolean', short: 'q' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'V' },
      },
    });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { kind: 'usage-error', message: `${message}\nTry 'h2scope --help'.` };
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };
  if (positionals.length !== 1) {
    const what = positionals.length === 0 ? 'missing the capture to read' : 'only one capture at a time';
    return { kind: 'usage-error', message: `${what} (a file, or - for stdin).\nTry 'h2scope --help'.` };
  }
  const format = values.format ?? null;
  if (format !== null && !(FORMATS as readonly string[]).includes(format)) {
    return {
      kind: 'usage-error',
      message: `--format must be one of ${FORMATS.join(', ')}, not '${format}'.`,
    };
  }
  const ports: number[] = [];
  for (const p of values.port ?? []) {
    const n = Number(p);
    if (!Number.isInteger(n) || n < 1 || n > 65535) {
      return { kind: 'usage-error', message: `--port takes a TCP port number (1-65535), not '${p}'.` };
    }
    ports.push(n);
  }
  return {
    kind: 'run',
    options: {
      input: positionals[0]!,
      format: format as Format | null,
      output: values.output ?? null,
      ports,
      quiet: values.quiet ?? false,
    },
  };
}
