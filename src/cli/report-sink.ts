/**
 * The sink for each report format, with --filter in front of it. Streaming formats (text, ndjson) write
 * as records arrive; json spools its records and assembles the document at the end; the others collect
 * and write at the end. HAR applies the filter per entry itself
 * (an entry is a whole stream), so there the FilterSink only computes the matching connections.
 */
import type { RecordSink } from '../engine/engine.js';
import type { FilterExpr } from '../filter/index.js';
import { HarWriter } from '../output/har.js';
import { JsonDocumentWriter } from '../output/json-stream.js';
import { MarkdownReport } from '../output/markdown.js';
import { ndjsonSink, type JsonLineWrite } from '../output/ndjson.js';
import { relayMarkSink } from '../output/relayed-calls.js';
import { SummaryReport } from '../output/summary.js';
import { TextReport } from '../output/text.js';
import { TextSpool, type SpoolError } from '../output/text-spool.js';
import type { CliOptions } from './args.js';
import { FilterSink } from './filter-sink.js';
import { NULL_SINK, teeSink } from './sinks.js';
import { version } from './version.js';

export interface Report {
  sink: RecordSink;
  /** What was collected (json, har, markdown, summary), in pieces to write one after the other. */
  end(): Iterable<string | Buffer>;
  /** Frees what end() would have written (temporary files) when the run stops early. */
  discard(): void;
  /** Why a collected report is held in memory after all (no temporary directory), or null. */
  memoryNote: string | null;
  /** The spool's failure (full temporary disk): the report cannot be complete; null while all is well. */
  failure(): SpoolError | null;
  /** Connections that matched --filter; null when there is no filter (every connection). */
  matched: ReadonlySet<string> | null;
}

type Collected = {
  sink: RecordSink;
  write?: (out: (s: string) => void) => void;
  document?: () => Iterable<string | Buffer>;
  discard?: () => void;
  spoolProblem?: string | null;
  spoolFailure?: SpoolError | null;
};

/** Writes bytes as hex digits straight into the output (OutputStream.writeHex). */
type HexWrite = (bytes: Uint8Array) => void;

function formatSink(
  opts: CliOptions,
  expr: FilterExpr | null,
  write: (s: string) => void,
  writeHex?: HexWrite,
  jsonLine?: JsonLineWrite,
): Collected {
  if (opts.summary) return new SummaryReport();
  switch (opts.format ?? 'text') {
    case 'text':
      return new TextReport(write, {}, new TextSpool('text'));
    case 'ndjson':
      return { sink: ndjsonSink(write, writeHex, jsonLine) };
    case 'json':
      return new JsonDocumentWriter();
    case 'har':
      return new HarWriter({ filter: expr, version: version() });
    case 'markdown':
      return new MarkdownReport({ input: opts.input, decodeArgs: decodeArgs(opts), filter: opts.filter });
  }
}

export function createReport(
  opts: CliOptions,
  expr: FilterExpr | null,
  write: (s: string) => void,
  writeHex?: HexWrite,
  jsonLine?: JsonLineWrite,
  threads = 1,
): Report {
  const out = formatSink(opts, expr, write, writeHex, jsonLine);
  // json and ndjson mark a relayed call with its backend leg (CallRecord.relay). ndjson decoded by threads
  // without a filter is written as the threads' lines: the merge marks those (ShardMerge).
  const format = opts.summary ? 'summary' : (opts.format ?? 'text');
  const threadLines = format === 'ndjson' && expr === null && threads > 1;
  const marks = (format === 'json' || format === 'ndjson') && !threadLines;
  const sink = marks ? relayMarkSink(out.sink) : out.sink;
  const end = (): Iterable<string | Buffer> => {
    if (out.document) return out.document();
    const pieces: string[] = [];
    out.write?.((s) => pieces.push(s));
    return pieces;
  };
  const discard = (): void => out.discard?.();
  const problem = out.spoolProblem ?? null;
  const memoryNote =
    problem && `${problem}: the ${opts.format} document is held in memory until it is written`;
  const failure = (): SpoolError | null => out.spoolFailure ?? null;
  const common = { end, discard, memoryNote, failure };
  if (expr === null) return { sink, ...common, matched: null };
  if (out instanceof HarWriter) {
    const matcher = new FilterSink(NULL_SINK, expr);
    return { sink: teeSink(out.sink, matcher), ...common, matched: matcher.matched };
  }
  const filter = new FilterSink(sink, expr);
  return { sink: filter, ...common, matched: filter.matched };
}

/** The decoding options of this run, to repeat in the commands a markdown report suggests. */
export function decodeArgs(opts: CliOptions): string[] {
  const args: string[] = [];
  const grpc = new Set(opts.grpcPorts);
  for (const p of opts.h2Ports)
    args.push(...(grpc.has(p) ? ['--decode-as', `${p}=grpc`] : ['--port', String(p)]));
  for (const p of opts.protos) args.push('--proto', p);
  for (const p of opts.protoPaths) args.push('-I', p);
  for (const d of opts.descriptorSets) args.push('--descriptor-set', d);
  if (opts.keylog !== null) args.push('--keylog', opts.keylog);
  return args;
}
