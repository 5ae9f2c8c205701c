/**
 * A report run: read the capture chunk by chunk into the engine, write records as the format allows,
 * show progress, stop cleanly on SIGINT or when the reader of our output goes away, then print the input
 * problem (if any) as one line and decide the exit status. Never a stack trace for bad input: problems are
 * diagnostics, and I/O errors of our own outputs are one line each.
 */
import { closeSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openCaptureInput, type CaptureInput } from '../capture/merged-source.js';
import type { Engine } from '../engine/engine.js';
import type { CaptureRecord } from '../records/records.js';
import { createEngine, type PipelineOptions } from '../engine/pipeline.js';
import type { FilterExpr } from '../filter/index.js';
import type { CliOptions } from './args.js';
import { escapeLines } from '../output/escape.js';
import { EXIT, exitStatus, inputProblemLine } from './exit-status.js';
import type { CliIo } from './io.js';
import { OutputStream } from './output-stream.js';
import { exportPackets, openPcapFile } from '../output/pcap-export.js';
import { ProgressLine } from './progress.js';
import { createReport, type Report } from './report-sink.js';
import { DiagnosticTally, NULL_SINK, teeSink } from './sinks.js';
import { ProtoInference } from '../grpc/proto-infer.js';
import type { ReflectedSchema, ReflectedSeed } from '../grpc/reflection-schema.js';
import type { RecordSink } from '../engine/engine.js';
import { pumpThreads, shardMode } from './report-threads.js';
import { threadCount } from './thread-count.js';
import { threadCpuLine, threadCpuSeconds, threadCpuWanted } from './thread-cpu.js';
import { SpoolError } from '../output/text-spool.js';
import { StdinSpool } from './spool.js';

export interface Prepared {
  pipeline: PipelineOptions;
  filter: FilterExpr | null;
}

export async function runReport(opts: CliOptions, prepared: Prepared, io: CliIo): Promise<number> {
  // File names, arguments and capture bytes end up in these lines: escaped like every text sink.
  const say = (line: string): void => void io.stderr.write(escapeLines(line) + '\n');
  const out = await openOutput(opts, io, say);
  if (out === null) return EXIT.usage;
  let pcapFd: number | null = null;
  if (opts.writePcap !== null) {
    try {
      pcapFd = openPcapFile(opts.writePcap);
    } catch (err) {
      say(`h2scope: cannot write --write-pcap ${opts.writePcap}: ${reason(err)}`);
      return EXIT.usage;
    }
  }
  // Caught before the first temporary file exists, so a Ctrl-C from then on always gets its report.
  const interrupt = new Interrupt(io);
  if (opts.reflectionFirst) {
    const reflection = await reflectionFirstPass(opts, prepared.pipeline, io, interrupt);
    prepared = { ...prepared, pipeline: { ...prepared.pipeline, reflection } };
  }
  const report = createReport(
    opts,
    prepared.filter,
    out.write,
    out.writeHex,
    out.jsonLine,
    threadCount(opts),
  );
  if (report.memoryNote !== null && !opts.quiet) say(`h2scope: ${report.memoryNote}`);
  const inference = opts.inferProto === null ? null : new ProtoInference();
  const tally = new DiagnosticTally(inference ? teeSink(report.sink, inferenceSink(inference)) : report.sink);
  const spool = opts.input === '-' && pcapFd !== null ? new StdinSpool() : null;
  try {
    const stdin = spool ? spool.tee(io.stdin) : io.stdin;
    const source = openCaptureInput(opts.inputs, { stdin });
    const showProgress = io.stderr.isTTY === true && !opts.quiet;
    const progress = showProgress ? new ProgressLine(io.stderr, io.now) : null;
    const spoolFailed = (): boolean => report.failure() !== null;
    let interrupted: boolean;
    let capture: CaptureRecord;
    const threads = threadCount(opts);
    if (threads > 1) {
      ({ interrupted, capture } = await pumpThreads({
        input: opts.input,
        pipeline: prepared.pipeline,
        threads,
        mode: shardMode(opts.format ?? 'text', opts.summary, prepared.filter !== null),
        sink: tally,
        countConnection: () => tally.connections++,
        out,
        stdoutIsTTY: io.stdout.isTTY === true,
        progress,
        interrupt,
        failed: spoolFailed,
      }));
      progress?.clear();
    } else {
      const engine = createEngine(prepared.pipeline, tally);
      interrupted = await pump(source, engine, out, io, progress, interrupt, spoolFailed);
      progress?.clear();
      engine.setCompressed(source.progress.compressed);
      if (interrupted) engine.interrupted('SIGINT');
      capture = engine.finish();
      if (threadCpuWanted()) process.stderr.write(threadCpuLine(threadCpuSeconds(), []));
    }
    // A full temporary disk: no document that looks complete, one line naming the directory, exit 1.
    const failed = report.failure() ?? (await writeCollected(report, out));
    await out.end();
    if (failed !== null) {
      // The same full directory usually fails the stdin copy for --write-pcap too: one line says both, and
      // no file that looks like an export is left.
      const pcap = pcapFd !== null ? `; --write-pcap ${opts.writePcap} was not written` : '';
      if (pcapFd !== null) {
        closeSync(pcapFd);
        pcapFd = null;
        rmSync(opts.writePcap!, { force: true });
      }
      say(
        `h2scope: ${failed.message}; no complete report was written (set TMPDIR to a directory with room)${pcap}`,
      );
      return EXIT.unusable;
    }
    for (const d of tally.inputProblems) say(inputProblemLine(d, source.name));
    if (out.error) say(`h2scope: writing the report failed: ${reason(out.error)}`);
    if (pcapFd !== null && spool?.failure) {
      say(`h2scope: ${spool.failure.message}; --write-pcap ${opts.writePcap} was not written`);
      closeSync(pcapFd);
      pcapFd = null;
      rmSync(opts.writePcap!, { force: true }); // empty: no file that looks like an export
      return EXIT.unusable;
    }
    if (pcapFd !== null) {
      const fd = pcapFd;
      pcapFd = null;
      const result = await exportPackets(spool?.reader() ?? opts.input, report.matched, fd, capture.packets);
      if (!opts.quiet) say(pcapNote(opts.writePcap!, result, report.matched));
    }
    const facts = {
      capture,
      counts: tally.counts,
      inputProblems: tally.inputProblems,
      connections: tally.connections,
    };
    if (inference !== null && opts.inferProto !== null) {
      const wrote = writeInferred(inference, opts.inferProto, source.name);
      if (!wrote.ok) {
        say(`h2scope: cannot write --infer-proto ${opts.inferProto}: ${wrote.line}`);
        return EXIT.unusable;
      }
      if (!opts.quiet) say(`h2scope: ${wrote.line}`);
    }
    if (out.error) return EXIT.unusable;
    // The report of what was read is written, but it is not the capture's: never a success status.
    return interrupted ? EXIT.interrupted : exitStatus(facts, opts.failOn);
  } finally {
    interrupt.off();
    spool?.remove();
    report.discard();
  }
}

/** Output waiting for the destination before the collected part of a report goes on (json: spool reads). */
const FLUSH_BYTES = 8 * 1024 * 1024;

/** Writes the collected report; a spool that cannot be read back ends it early with its SpoolError. */
async function writeCollected(report: Report, out: OutputStream): Promise<SpoolError | null> {
  try {
    for (const piece of report.end()) {
      if (typeof piece === 'string') out.write(piece);
      else out.writeBytes(piece);
      if (out.pendingBytes >= FLUSH_BYTES) await out.flush();
      if (out.isClosed) return null;
    }
  } catch (err) {
    if (err instanceof SpoolError) return err;
    throw err;
  }
  return null;
}

async function openOutput(
  opts: CliOptions,
  io: CliIo,
  say: (s: string) => void,
): Promise<OutputStream | null> {
  if (opts.output === null) return OutputStream.to(io.stdout);
  try {
    return await OutputStream.file(opts.output);
  } catch (err) {
    say(`h2scope: cannot write --output ${opts.output}: ${reason(err)}`);
    return null;
  }
}

/**
 * Feeds capture chunks to the engine and flushes output after each. SIGINT stops at once, even while a
 * live pipe is silent (the pending read is abandoned); a closed output pipe (EPIPE) stops too. True when
 * SIGINT stopped it.
 */
/**
 * --reflection-first: reads the capture once, payloads undecoded (reflection responses are read whatever
 * --payload says), for the schema its reflection responses carry; null without one. No output.
 */
async function reflectionFirstPass(
  opts: CliOptions,
  pipeline: PipelineOptions,
  io: CliIo,
  interrupt: Interrupt,
): Promise<ReflectedSeed | null> {
  let schema: ReflectedSchema | null = null;
  const engine = createEngine({ ...pipeline, payload: 'none' }, NULL_SINK, (r) => (schema = r));
  const source = openCaptureInput(opts.inputs, { stdin: io.stdin });
  for await (const chunk of source.events()) {
    if (interrupt.stopped) break;
    engine.push(chunk);
  }
  engine.finish();
  return (schema as ReflectedSchema | null)?.seed() ?? null;
}

async function pump(
  source: CaptureInput,
  engine: Engine,
  out: OutputStream,
  io: CliIo,
  progress: ProgressLine | null,
  interrupt: Interrupt,
  failed: () => boolean,
): Promise<boolean> {
  const chunks = source.events();
  let finished = false;
  try {
    for (;;) {
      const next = interrupt.stopped ? 'stop' : await Promise.race([chunks.next(), interrupt.next()]);
      if (next === 'stop' || next.done) {
        finished = next !== 'stop';
        return interrupt.stopped;
      }
      engine.push(next.value);
      if (failed()) return interrupt.stopped; // the report is lost: reading on would only cost time
      progress?.update(source.progress);
      if (out.pending) {
        if (io.stdout.isTTY) progress?.clear();
        await out.flush();
      }
      if (out.isClosed) return interrupt.stopped;
    }
  } finally {
    interrupt.off(); // reading is over: a Ctrl-C now has its default action (ends the process at once)
    // Ends the generator (closing a file) once its pending read settles; not awaited: stdin may never.
    if (!finished) void chunks.return(undefined);
  }
}

/** SIGINT, caught from before the run's first temporary file until reading ends. */
class Interrupt {
  stopped = false;
  private wake = (): void => undefined;
  readonly off: () => void;

  constructor(io: CliIo) {
    this.off = io.onInterrupt(() => {
      this.stopped = true;
      this.wake();
    });
  }

  /**
   * A promise that resolves at SIGINT: a fresh one per read to race against, since every Promise.race on
   * one long-lived promise leaves a reaction on it that holds that read's result, so each chunk's packets
   * (and their file buffers) stayed reachable until exit (peak RSS 986 MiB instead of 244 MiB on a 300 MB
   * capture).
   */
  next(): Promise<'stop'> {
    return new Promise((resolve) => (this.wake = () => resolve('stop')));
  }
}

function pcapNote(
  path: string,
  r: { written: number; skippedLinkType: number; linkType: number | null },
  matched: ReadonlySet<string> | null,
): string {
  const what =
    matched === null
      ? 'every connection'
      : `${matched.size} matching connection${matched.size === 1 ? '' : 's'}`;
  const skipped =
    r.skippedLinkType > 0
      ? ` (${r.skippedLinkType} packets of another link type left out: a pcap holds one)`
      : '';
  return `h2scope: wrote ${r.written} packets of ${what} to ${path}${skipped}`;
}

function reason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e?.code ? `${e.message.replace(/^\w+: /, '')}` : String(err);
}

function inferenceSink(inference: ProtoInference): RecordSink {
  return { ...NULL_SINK, call: (c) => inference.add(c) };
}

/** Writes one .proto skeleton per service into `dir`: a line saying what was written, or the error. */
function writeInferred(
  inference: ProtoInference,
  dir: string,
  source: string,
): { ok: boolean; line: string } {
  const files = inference.files(source);
  try {
    mkdirSync(dir, { recursive: true });
    for (const f of files) writeFileSync(join(dir, f.name), f.text);
  } catch (err) {
    return { ok: false, line: reason(err) };
  }
  const skipped =
    inference.withSchema > 0 ? ` (${inference.withSchema} calls decoded with a schema not used)` : '';
  const names = files.map((f) => f.name).join(', ');
  const line =
    files.length === 0
      ? `--infer-proto: no schema-less gRPC call to infer from${skipped}; nothing written to ${dir}`
      : `wrote ${files.length} .proto skeleton${files.length === 1 ? '' : 's'} (${inference.methodCount} methods) to ${dir}: ${names}${skipped}`;
  return { ok: true, line };
}
