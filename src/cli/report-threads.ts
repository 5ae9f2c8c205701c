/**
 * `--threads N` for reports: N shards, each parsing the whole capture and decoding its share of the
 * connections (shardOwners: this thread's is smaller, as it also merges): shard 0 on this thread, the
 * others on N - 1 worker threads (src/cli/report-worker.ts); this thread reads the file once for all of
 * them (src/cli/shared-read.ts) and merges their records back into one engine's order (src/engine/shard.ts)
 * before the report's sink and the output. The same bytes as one thread: only the work is split. Standard
 * input and periodic snapshots stay on one thread (src/cli/report.ts decides).
 */
import { Worker } from 'node:worker_threads';
import { CaptureAnalyzer } from '../analysis/capture-analyzer.js';
import { ENGINE_DIAGNOSTICS } from '../diagnostics/engine.js';
import { diag } from '../diagnostics/make.js';
import { DEFAULT_MAX_DIAGNOSTICS_PER_CODE } from '../engine/diagnostic-cap.js';
import type { RecordSink, ShardSpec } from '../engine/engine.js';
import type { PipelineOptions } from '../engine/pipeline.js';
import { createEngine } from '../engine/pipeline.js';
import { ShardMerge, ShardSink, shardOwners, type ShardBatch, type ShardMode } from '../engine/shard.js';
import { CaptureSource } from '../capture/source.js';
import { emptyCaptureRecord, type CaptureRecord } from '../records/records.js';
import type { OutputStream } from './output-stream.js';
import type { ProgressLine } from './progress.js';
import { SharedFileFeed, SharedFileStream } from './shared-read.js';
import { threadCpuLine, threadCpuSeconds, threadCpuWanted } from './thread-cpu.js';
import { ThreadTimes, threadTimesLines, threadTimesWanted, type ThreadTimesReport } from './thread-times.js';
import type { ReportWorkerCommand, ReportWorkerInput, ReportWorkerMessage } from './report-worker.js';

/** Batches a decoding thread may be ahead of the merge: enough to keep both busy, bounded memory. */
const AHEAD = 4;

/**
 * Chunks this thread's own shard may be ahead of the merge: more than a worker's, so that it goes on
 * decoding while a worker starts (a new isolate loads the modules: 0.3-0.4 s) instead of waiting for its
 * first batch after AHEAD chunks.
 */
const OWN_AHEAD = 32;

/** The worker's entry: report-worker.js in the build; under tsx or vitest, the .ts through tsx's loader. */
function workerEntry(): { entry: URL | string; eval: boolean } {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return { entry: new URL('./report-worker.js', here), eval: false };
  // The test suite bundles src/ once per run (test/helpers/compile-src.ts): its threads start from that
  // JavaScript rather than each transforming the TypeScript again through tsx (~1 s of CPU per thread).
  const compiled = process.env.H2SCOPE_TEST_COMPILED;
  if (compiled) return { entry: `${compiled}/report-worker.js`, eval: false };
  const source = new URL('./report-worker.ts', here).href;
  const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}); });`;
  return { entry: boot, eval: true };
}

export interface ThreadedInput {
  input: string;
  pipeline: PipelineOptions;
  threads: number;
  mode: ShardMode;
  /** The report's sink (behind the diagnostic tally), as one engine would get it. */
  sink: RecordSink;
  /** Counts a connection whose ndjson line bypassed the sink (DiagnosticTally.connections). */
  countConnection: () => void;
  out: OutputStream;
  stdoutIsTTY: boolean;
  progress: ProgressLine | null;
  /** SIGINT: `stopped`, and a promise per wait that settles at it. */
  interrupt: { readonly stopped: boolean; next(): Promise<'stop'> };
  failed: () => boolean;
}

/** Which records the threads send for this report (see ShardMode). */
export function shardMode(format: string, summary: boolean, filtered: boolean): ShardMode {
  const fmt = summary ? 'summary' : format;
  return {
    ndjson: fmt === 'ndjson' && !filtered,
    // text, markdown and the summary do nothing with frames; a filter marks connections by them.
    frames: filtered || fmt === 'json' || fmt === 'ndjson' || fmt === 'har',
    frameEvents: fmt === 'har',
    summary: fmt === 'summary' && !filtered,
  };
}

/**
 * Runs the decoding to the end of the capture (or a stop); true in `interrupted` after SIGINT. N shards:
 * this thread decodes shard 0 itself between merges, N - 1 worker threads the others. On two cores that
 * is one worker and this thread, not two workers and a third, mostly idle isolate that merges: one
 * start-up, one young generation and one set of V8 helper threads less (docs/performance.md, "Threads,
 * session 8").
 */
export async function pumpThreads(
  o: ThreadedInput,
): Promise<{ interrupted: boolean; capture: CaptureRecord }> {
  const merge = new ShardMerge(
    o.sink,
    DEFAULT_MAX_DIAGNOSTICS_PER_CODE,
    [new CaptureAnalyzer()],
    o.out.copy,
    o.countConnection,
  );
  merge.markRelays = o.mode.ndjson;
  const entry = workerEntry();
  const owners = shardOwners(o.threads);
  const spec = (index: number): ShardSpec => ({ index, count: o.threads, owners });
  // Shard 0 (this thread's) first: the merge takes batches in shard order.
  const mine: ShardBatch[] = [];
  const queues: ShardBatch[][] = [mine];
  const workers: Worker[] = [];
  let failure: string | null = null;
  let terminated = false;
  let wake = (): void => undefined;
  const workerCpu: Array<number | null> = [];
  const times = threadTimesWanted() ? new ThreadTimes() : null;
  const workerTimes: Array<ThreadTimesReport | null> = [];
  // This thread's own share reads the same chunks as the workers, as a stream of its own.
  const local = new SharedFileStream((n) => feed?.want(n));
  // The file read once here, its chunks shared with every thread (or each reads it: see SharedFileFeed).
  const feed = await SharedFileFeed.open(o.input, (m) => {
    workers.forEach((w) => w.postMessage({ kind: 'feed', feed: m } satisfies ReportWorkerCommand));
    local.receive(m);
  });
  for (let index = 1; index < o.threads; index++) {
    const data: ReportWorkerInput = {
      input: o.input,
      pipeline: o.pipeline,
      shard: spec(index),
      mode: o.mode,
      ahead: AHEAD,
      shared: feed !== null,
      times: times !== null,
    };
    const worker = new Worker(entry.entry, {
      workerData: data,
      eval: entry.eval,
      stdout: true,
      stderr: true,
    });
    let stderr = '';
    worker.stdout.resume();
    worker.stderr.on('data', (b: Buffer) => void (stderr.length < 4096 && (stderr += b.toString('utf8'))));
    const queue: ShardBatch[] = [];
    queues.push(queue);
    workers.push(worker);
    worker.on('message', (m: ReportWorkerMessage) => {
      if (m.kind === 'want') feed?.want(m.n);
      else if (m.kind === 'error') failure ??= m.error;
      else {
        queue.push(m.batch);
        if (m.batch.done) {
          workerCpu[index - 1] = m.cpu ?? null;
          workerTimes[index - 1] = m.times ?? null;
        }
      }
      wake();
    });
    if (times) worker.on('online', () => times.mark(`online${index}`));
    worker.on('error', (err) => {
      failure ??= err.message;
      wake();
    });
    worker.on('exit', (code) => {
      // Our own terminate() below ends a thread with status 1: not a failure, and it can land while
      // feed.close() is awaited, before the failure is read.
      if (terminated) return;
      if (code !== 0) failure ??= `decoding thread exited with status ${code}: ${stderr.trim()}`;
      else if (queue.at(-1)?.done !== true) failure ??= 'decoding thread ended early';
      wake();
    });
  }
  const send = (c: ReportWorkerCommand): void => workers.forEach((w) => w.postMessage(c));
  // Shard 0, decoded here as a worker decodes its own (src/cli/report-worker.ts): its batches are merged
  // as they are, without a clone.
  const sink = new ShardSink(0, o.mode);
  const engine = createEngine({ ...o.pipeline, shard: spec(0) }, sink);
  sink.engine = engine;
  const source = feed ? new CaptureSource(local.stream, { name: o.input }) : new CaptureSource(o.input);
  const chunks = source.events();
  let chunk = 0;
  let ownDone = false;
  let stopAfter = Infinity;
  const finishOwn = (): void => {
    // As in a worker: an interruption is reported by the merge, between the last chunk's records and the end's.
    const t = times?.now();
    engine.setCompressed(source.progress.compressed);
    engine.finish();
    mine.push(sink.batch(++chunk, true));
    ownDone = true;
    if (t !== undefined) times?.end('finish', t);
  };
  let merged = 0;
  let stopSent = false;
  let interrupted = false;
  try {
    for (;;) {
      if (!stopSent && (o.interrupt.stopped || o.out.isClosed || o.failed())) {
        // Every thread stops after the same chunk: the furthest any can have gone without acks.
        stopSent = true;
        interrupted = o.interrupt.stopped;
        // This thread's shard may be further (OWN_AHEAD): the workers go on to where it is, without acks.
        stopAfter = Math.max(chunk, merged + AHEAD);
        send({ kind: 'stop', afterChunk: stopAfter });
      }
      if (failure !== null) break;
      // Our own next chunk, while we are less than OWN_AHEAD ahead of the merge, and only when no batch can
      // be merged: merges first, so a worker AHEAD chunks ahead gets its ack now, not after our chunk.
      const mergeable = queues.every((q) => q.length > 0);
      if (!ownDone && chunk - merged < OWN_AHEAD && !mergeable) {
        if (chunk >= stopAfter) {
          await chunks.return();
          finishOwn();
        } else {
          try {
            // A turn of the event loop first: the workers' batches and wants, and the file reads, are
            // handled only then, and this thread's own stream may already hold its next chunk (read ahead,
            // shared-read.ts), which would not turn it.
            let t = times?.now();
            await new Promise<void>((r) => setImmediate(r));
            if (t !== undefined) times?.end('turn', t);
            t = times?.now();
            const next = await chunks.next();
            if (t !== undefined) times?.end('next', t);
            if (next.done) finishOwn();
            else {
              t = times?.now();
              engine.push(next.value);
              mine.push(sink.batch(++chunk, false));
              if (t !== undefined) {
                times?.end('decode', t);
                if ((chunk & (chunk - 1)) === 0) times?.mark(`own${chunk}`);
              }
            }
          } catch (err) {
            failure ??= err instanceof Error ? (err.stack ?? err.message) : String(err);
            break;
          }
        }
      }
      if (queues.some((q) => q.length === 0)) {
        if (!ownDone && chunk - merged < OWN_AHEAD) continue; // decode on while the workers catch up
        const woken = new Promise<void>((r) => (wake = r));
        const t = times?.now();
        await (stopSent ? woken : Promise.race([woken, o.interrupt.next()]));
        if (t !== undefined) times?.end(ownDone ? 'wait-worker-own-done' : 'wait-worker-own-ahead', t);
        continue;
      }
      const batches = queues.map((q) => q.shift()!);
      const done = batches[0]!.done;
      const p = source.progress;
      if (done && interrupted) {
        // Where Engine.interrupted comes in one thread: after the records read, before the end's.
        const packets = p.packets;
        merge.diagnostic(diag(ENGINE_DIAGNOSTICS, 'engine.interrupted', { signal: 'SIGINT', packets }, {}));
        merge.incomplete = true;
      }
      const tm = times?.now();
      merge.merge(batches);
      if (tm !== undefined) times?.end('merge', tm);
      if (done) break;
      merged++;
      if (times && (merged & (merged - 1)) === 0) times.mark(`merged${merged}`);
      send({ kind: 'ack' });
      const totalBytes = feed?.totalBytes ?? p.totalBytes;
      o.progress?.update({
        bytesRead: p.bytesRead,
        totalBytes,
        packets: p.packets,
        compressed: false,
        done: false,
      });
      if (o.out.pending) {
        if (o.stdoutIsTTY) o.progress?.clear();
        const t = times?.now();
        await o.out.flush();
        if (t !== undefined) times?.end('flush', t);
      }
    }
  } finally {
    terminated = true;
    for (const w of workers) void w.terminate();
    if (!ownDone) await chunks.return().catch(() => undefined);
    await feed?.close();
  }
  if (threadCpuWanted()) process.stderr.write(threadCpuLine(threadCpuSeconds(), workerCpu));
  if (times) process.stderr.write(threadTimesLines([times.report(), ...workerTimes]));
  const failed = failure as string | null;
  if (failed !== null) {
    // Our bug (or no worker threads here): the records so far are written, the capture is marked incomplete.
    const error = failed.split('\n')[0]!;
    const packet = source.progress.packets;
    merge.diagnostic(diag(ENGINE_DIAGNOSTICS, 'engine.internal-error', { packet, error }));
    const capture = emptyCaptureRecord(o.input);
    capture.complete = false;
    merge.capture(capture);
    return { interrupted, capture };
  }
  return { interrupted, capture: merge.captureRecord! };
}
