/**
 * One decoding thread of a sharded report (src/cli/report-threads.ts, src/engine/shard.ts): parses the
 * capture (the chunks the main thread reads and shares, src/cli/shared-read.ts), decodes its share of the
 * connections, and posts one batch of records per capture chunk. Shard 0 is the main thread's own. It stays at most AHEAD batches ahead of the merging thread (acks), so a slow output or a slower
 * shard does not let batches pile up in memory.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CaptureSource } from '../capture/source.js';
import type { ShardSpec } from '../engine/engine.js';
import { createEngine, type PipelineOptions } from '../engine/pipeline.js';
import { ShardSink, type ShardBatch, type ShardMode } from '../engine/shard.js';
import { SharedFileStream, type FeedMessage } from './shared-read.js';
import { threadCpuSeconds } from './thread-cpu.js';
import { ThreadTimes, type ThreadTimesReport } from './thread-times.js';

export interface ReportWorkerInput {
  input: string;
  pipeline: PipelineOptions;
  shard: ShardSpec;
  mode: ShardMode;
  /** Batches a shard may have posted and not yet had acknowledged before it waits. */
  ahead: number;
  /** The merging thread reads the file and shares its chunks (src/cli/shared-read.ts); else read `input`. */
  shared: boolean;
  /** H2SCOPE_THREAD_TIMES: send this thread's ThreadTimesReport with the last batch. */
  times: boolean;
}

/** Merging thread -> worker. */
export type ReportWorkerCommand =
  { kind: 'ack' } | { kind: 'stop'; afterChunk: number } | { kind: 'feed'; feed: FeedMessage };

/** Worker -> merging thread. */
export type ReportWorkerMessage =
  | {
      kind: 'batch';
      batch: ShardBatch;
      progress: { bytesRead: number; totalBytes: number | null; packets: number };
      /** With the last batch: this thread's CPU seconds (src/cli/thread-cpu.ts). */
      cpu?: number | null;
      times?: ThreadTimesReport;
    }
  | { kind: 'error'; error: string }
  /** Shared reading: this thread wants its `n`th chunk of the file. */
  | { kind: 'want'; n: number };

async function run(port: NonNullable<typeof parentPort>, o: ReportWorkerInput): Promise<void> {
  const times = o.times ? new ThreadTimes() : null;
  const sink = new ShardSink(o.shard.index, o.mode);
  const engine = createEngine({ ...o.pipeline, shard: o.shard }, sink);
  sink.engine = engine;
  let acked = 0;
  let stopAfter = Infinity;
  let wake = (): void => undefined;
  const shared = o.shared
    ? new SharedFileStream((n) => port.postMessage({ kind: 'want', n } satisfies ReportWorkerMessage))
    : null;
  port.on('message', (m: ReportWorkerCommand) => {
    if (m.kind === 'feed') return shared?.receive(m.feed);
    if (m.kind === 'ack') acked++;
    else stopAfter = m.afterChunk;
    wake();
  });
  const source = shared ? new CaptureSource(shared.stream, { name: o.input }) : new CaptureSource(o.input);
  const post = (batch: ShardBatch): void => {
    const p = source.progress;
    const message: ReportWorkerMessage = {
      kind: 'batch',
      batch,
      progress: { bytesRead: p.bytesRead, totalBytes: p.totalBytes, packets: p.packets },
      ...(batch.done ? { cpu: threadCpuSeconds(), ...(times ? { times: times.report() } : {}) } : {}),
    };
    port.postMessage(message, batch.bytes ? [batch.bytes.buffer as ArrayBuffer] : []);
  };
  let chunk = 0;
  const chunks = source.events();
  try {
    for (;;) {
      let t = times?.now();
      const next = await chunks.next();
      if (t !== undefined) times?.end('next', t);
      if (next.done) break;
      t = times?.now();
      engine.push(next.value);
      post(sink.batch(++chunk, false));
      if (t !== undefined) {
        times?.end('decode', t);
        if ((chunk & (chunk - 1)) === 0) times?.mark(`w${chunk}`);
        t = times?.now();
      }
      while (chunk - acked >= o.ahead && chunk < stopAfter) await new Promise<void>((r) => (wake = r));
      if (t !== undefined) times?.end('wait-ack', t);
      if (chunk >= stopAfter) break;
    }
  } finally {
    await chunks.return(undefined);
  }
  // An interruption is the merging thread's to report (engine.interrupted), between the last chunk's
  // records and the end's: every shard must count the same seqs whenever the stop reached it.
  const t = times?.now();
  engine.setCompressed(source.progress.compressed);
  engine.finish();
  if (t !== undefined) times?.end('finish', t);
  post(sink.batch(++chunk, true));
}

if (parentPort) {
  const port = parentPort;
  run(port, workerData as ReportWorkerInput).catch((err: unknown) => {
    const error = err instanceof Error ? (err.stack ?? err.message) : String(err);
    port.postMessage({ kind: 'error', error } satisfies ReportWorkerMessage);
  });
}
