/**
 * Command-line arguments, parsed with node's util.parseArgs (no hand-written parser, no dependency).
 * Pure: argv in, options or a usage error out.
 */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { closest } from '../filter/closest.js';
import { PAYLOAD_MODES, type PayloadMode } from '../grpc/call-message.js';

export const FORMATS = ['text', 'json', 'ndjson', 'har', 'markdown'] as const;
export type ReportFormat = (typeof FORMATS)[number];
const FAIL_LEVELS = ['error', 'warning'] as const;
export type FailLevel = (typeof FAIL_LEVELS)[number];

export interface CliOptions {
  /** The first (usually only) capture; `inputs` has every one, merged by time when there are several. */
  input: string;
  inputs: string[];
  /** null: the TUI when stdout is a terminal, else text. */
  format: ReportFormat | null;
  output: string | null;
  summary: boolean;
  filter: string | null;
  writePcap: string | null;
  failOn: FailLevel | null;
  /** --port and --decode-as PORT=h2|grpc. */
  h2Ports: number[];
  /** --decode-as PORT=grpc. */
  grpcPorts: number[];
  protos: string[];
  protoPaths: string[];
  descriptorSets: string[];
  keylog: string | null;
  /** --payload: how much of each gRPC message the records show (default full). */
  payload: PayloadMode;
  /**
   * --snapshot-interval: seconds of capture time between ndjson snapshots of open connections (0: none).
   * Default: 10 for stdin ("-", usually a live pipe), 0 for a file.
   */
  snapshotInterval: number;
  /** --infer-proto: the directory to write .proto skeletons inferred from schema-less calls; null: none. */
  inferProto: string | null;
  /**
   * --threads: decoding threads for a report (connections shared out among them); 1 decodes on the main
   * thread. null when not given: 1 (see THREADS_DEFAULT_ON).
   */
  threads: number | null;
  quiet: boolean;
  /** Read the capture once for its reflected schema, then decode it with that schema from the start. */
  reflectionFirst: boolean;
}

/** The default --threads is the number of cores, capped here: past it the merging thread is the limit. */
export const MAX_DEFAULT_THREADS = 4;

/**
 * Whether a report without --threads uses defaultThreads() on files of THREADS_MIN_BYTES or more. Off:
 * measured on this project's 2-core machine under heavy load, two threads took 1.4-2 times the CPU time of
 * one on captures of large payloads and were slower in wall time on two of the three shapes of issue #13
 * (docs/performance.md, "Threads"); in session 8, with the main thread decoding a share and one isolate
 * less, still 1.3-1.9 times the CPU, and the main thread's own CPU (the wall time on two idle cores) above
 * one thread's on the streams' ndjson ("Threads, session 8"). Session 9: one thread already uses the
 * second core (V8's concurrent compilation and GC, 1.1-1.3 s of CPU per 300 MB), and a second isolate
 * repeats the start, the capture's parse and the compilation, so two threads' CPU over two cores stays at
 * or above one thread's main-thread time on unary and streams ("Threads, session 9").
 */
export const THREADS_DEFAULT_ON = false;

/**
 * Below this size a file is decoded on one thread unless --threads says otherwise: starting the threads
 * costs more than they save (docs/performance.md, "Threads").
 */
export const THREADS_MIN_BYTES = 16 * 1024 * 1024;

export function defaultThreads(): number {
  return Math.max(1, Math.min(availableParallelism(), MAX_DEFAULT_THREADS));
}

/** Seconds between ndjson snapshots of open connections when reading stdin and none was asked for. */
export const DEFAULT_STDIN_SNAPSHOT_INTERVAL = 10;

export type ParsedArgs =
  | { kind: 'run'; options: CliOptions }
  | { kind: 'diff'; options: DiffOptions }
  | { kind: 'help'; topic?: 'diff' }
  | { kind: 'version' }
  | { kind: 'usage-error'; message: string };

export const OPTIONS = {
  format: { type: 'string', short: 'f' },
  output: { type: 'string', short: 'o' },
  summary: { type: 'boolean', short: 's' },
  filter: { type: 'string', short: 'Y' },
  'write-pcap': { type: 'string', short: 'w' },
  'fail-on': { type: 'string' },
  port: { type: 'string', short: 'p', multiple: true },
  'decode-as': { type: 'string', multiple: true },
  proto: { type: 'string', multiple: true },
  'proto-path': { type: 'string', short: 'I', multiple: true },
  'descriptor-set': { type: 'string', multiple: true },
  keylog: { type: 'string' },
  payload: { type: 'string' },
  'snapshot-interval': { type: 'string' },
  'infer-proto': { type: 'string' },
  threads: { type: 'string', short: 'j' },
  'reflection-first': { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const;

const TRY_HELP = "Try 'h2scope --help'.";

class UsageError extends Error {}

export function parseCliArgs(argv: string[]): ParsedArgs {
  if (argv[0] === 'diff') return parseDiffArgs(argv.slice(1));
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: OPTIONS });
  } catch (err) {
    return { kind: 'usage-error', message: `${explainParseError(err)}\n${TRY_HELP}` };
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };
  try {
    return { kind: 'run', options: toOptions(values, positionals) };
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    return { kind: 'usage-error', message: `${err.message}\n${TRY_HELP}` };
  }
}

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

function toOptions(values: Values, positionals: string[]): CliOptions {
  if (positionals.length === 0) throw new UsageError('missing the capture to read (a file, or - for stdin).');
  if (positionals.length > 1 && positionals.includes('-'))
    throw new UsageError('- (stdin) cannot be merged with other captures: give files only.');
  const format = oneOf('--format', values.format, FORMATS);
  const summary = values.summary ?? false;
  if (summary && format !== null && format !== 'text')
    throw new UsageError(`--summary is a text report: it cannot be combined with --format ${format}.`);
  const h2Ports = (values.port ?? []).map((p) => port('--port', p));
  const grpcPorts: number[] = [];
  for (const spec of values['decode-as'] ?? []) {
    const { port: p, as } = decodeAs(spec);
    h2Ports.push(p);
    if (as === 'grpc') grpcPorts.push(p);
  }
  const output = values.output ?? null;
  const writePcap = values['write-pcap'] ?? null;
  if (writePcap !== null && writePcap === output)
    throw new UsageError('--write-pcap and --output name the same file.');
  if (writePcap !== null && positionals.length > 1)
    throw new UsageError('--write-pcap re-reads one capture: it cannot be used with several captures.');
  const input = positionals[0]!;
  const inferProto = values['infer-proto'] ?? null;
  if (inferProto !== null && values.payload === 'none')
    throw new UsageError(
      '--infer-proto reads the decoded messages: it cannot be combined with --payload none.',
    );
  if (values['reflection-first'] && positionals.includes('-'))
    throw new UsageError('--reflection-first reads the capture twice: it needs a file, not stdin.');
  const interval = values['snapshot-interval'];
  if (interval !== undefined && format !== 'ndjson')
    throw new UsageError('--snapshot-interval writes ndjson snapshots: it needs --format ndjson.');
  const snapshotInterval =
    interval === undefined
      ? input === '-' && format === 'ndjson'
        ? DEFAULT_STDIN_SNAPSHOT_INTERVAL
        : 0
      : seconds('--snapshot-interval', interval);
  return {
    input,
    inputs: positionals,
    format,
    output,
    summary,
    filter: values.filter ?? null,
    writePcap,
    failOn: oneOf('--fail-on', values['fail-on'], FAIL_LEVELS),
    h2Ports: [...new Set(h2Ports)],
    grpcPorts: [...new Set(grpcPorts)],
    protos: values.proto ?? [],
    protoPaths: values['proto-path'] ?? [],
    descriptorSets: values['descriptor-set'] ?? [],
    keylog: values.keylog ?? null,
    payload: oneOf('--payload', values.payload, PAYLOAD_MODES) ?? 'full',
    snapshotInterval,
    inferProto,
    threads: threads(values.threads),
    quiet: values.quiet ?? false,
    reflectionFirst: values['reflection-first'] ?? false,
  };
}

function oneOf<T extends string>(option: string, value: string | undefined, allowed: readonly T[]): T | null {
  if (value === undefined) return null;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  const guess = closest(value, allowed);
  const hint = guess ? ` (did you mean ${guess}?)` : '';
  throw new UsageError(`${option} must be one of ${allowed.join(', ')}, not '${value}'${hint}.`);
}

function port(option: string, text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > 65535)
    throw new UsageError(`${option} takes a TCP port number (1-65535), not '${text}'.`);
  return n;
}

function threads(text: string | undefined): number | null {
  if (text === undefined) return null;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > 64)
    throw new UsageError(`--threads takes a number of threads (1-64), not '${text}'.`);
  return n;
}

function seconds(option: string, text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < 0)
    throw new UsageError(`${option} takes a number of seconds (0 for none), not '${text}'.`);
  return n;
}

function decodeAs(spec: string): { port: number; as: 'h2' | 'grpc' } {
  const m = /^(\d+)=(h2|grpc)$/i.exec(spec.trim());
  if (!m)
    throw new UsageError(`--decode-as takes PORT=h2 or PORT=grpc (e.g. --decode-as 8080=h2), not '${spec}'.`);
  return { port: port('--decode-as', m[1]!), as: m[2]!.toLowerCase() as 'h2' | 'grpc' };
}

const LONG_NAMES = Object.keys(OPTIONS).map((name) => `--${name}`);

/** util.parseArgs messages, reworded, with the nearest option for a misspelt one. */
function explainParseError(err: unknown, names: readonly string[] = LONG_NAMES): string {
  const code = (err as { code?: string }).code;
  const message = err instanceof Error ? err.message : String(err);
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const name = /Unknown option '([^']+)'/.exec(message)?.[1] ?? '?';
    const guess = name.startsWith('--') ? closest(name.split('=')[0]!, names) : null;
    return `unknown option '${name}'${guess ? ` (did you mean ${guess}?)` : ''}.`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const name = /Option '(?:-\w, )?(--[\w-]+)/.exec(message)?.[1] ?? 'an option';
    if (/does not take an argument/.test(message)) return `${name} takes no value.`;
    return `${name} needs a value.`;
  }
  return message;
}

// ---- h2scope diff BEFORE AFTER ----

export const DIFF_FORMATS = ['text', 'markdown', 'json'] as const;
export type DiffFormat = (typeof DIFF_FORMATS)[number];

/** The options `diff` shares with the main command (same meanings), and its two sides. */
export type DiffOptions = Pick<
  CliOptions,
  'output' | 'h2Ports' | 'grpcPorts' | 'protos' | 'protoPaths' | 'descriptorSets' | 'keylog' | 'quiet'
> & {
  /** Captures of each side; several on one side are merged by time (like the main command). */
  before: string[];
  after: string[];
  format: DiffFormat;
};

export const DIFF_OPTIONS = {
  before: { type: 'string', multiple: true },
  after: { type: 'string', multiple: true },
  format: OPTIONS.format,
  output: OPTIONS.output,
  port: OPTIONS.port,
  'decode-as': OPTIONS['decode-as'],
  proto: OPTIONS.proto,
  'proto-path': OPTIONS['proto-path'],
  'descriptor-set': OPTIONS['descriptor-set'],
  keylog: OPTIONS.keylog,
  quiet: OPTIONS.quiet,
  help: OPTIONS.help,
} as const;

const TRY_DIFF_HELP = "Try 'h2scope diff --help'.";

function parseDiffArgs(argv: string[]): ParsedArgs {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: DIFF_OPTIONS });
  } catch (err) {
    const names = Object.keys(DIFF_OPTIONS).map((name) => `--${name}`);
    return { kind: 'usage-error', message: `diff: ${explainParseError(err, names)}\n${TRY_DIFF_HELP}` };
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help', topic: 'diff' };
  try {
    const named = values.before !== undefined || values.after !== undefined;
    if (named && positionals.length > 0)
      throw new UsageError('give the captures either as BEFORE AFTER or with --before/--after, not both.');
    const before = named ? (values.before ?? []) : positionals.slice(0, 1);
    const after = named ? (values.after ?? []) : positionals.slice(1, 2);
    if (!named && positionals.length !== 2)
      throw new UsageError('takes two captures: BEFORE AFTER (or --before FILE... --after FILE...).');
    if (before.length === 0 || after.length === 0)
      throw new UsageError('needs at least one capture on each side (--before FILE and --after FILE).');
    if ([...before, ...after].includes('-'))
      throw new UsageError('reads files: - (stdin) cannot be compared.');
    const h2Ports = (values.port ?? []).map((p) => port('--port', p));
    const grpcPorts: number[] = [];
    for (const spec of values['decode-as'] ?? []) {
      const { port: p, as } = decodeAs(spec);
      h2Ports.push(p);
      if (as === 'grpc') grpcPorts.push(p);
    }
    return {
      kind: 'diff',
      options: {
        before,
        after,
        format: oneOf('--format', values.format, DIFF_FORMATS) ?? 'text',
        output: values.output ?? null,
        h2Ports: [...new Set(h2Ports)],
        grpcPorts: [...new Set(grpcPorts)],
        protos: values.proto ?? [],
        protoPaths: values['proto-path'] ?? [],
        descriptorSets: values['descriptor-set'] ?? [],
        keylog: values.keylog ?? null,
        quiet: values.quiet ?? false,
      },
    };
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    return { kind: 'usage-error', message: `diff: ${err.message}\n${TRY_DIFF_HELP}` };
  }
}
