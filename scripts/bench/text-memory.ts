/**
 * Heap held by the text report of one endless connection (docs/performance.md, "Live and long-lived
 * connections"): the synthetic connection of live-capture.ts (a unary call every CALL_EVERY s) through the
 * whole pipeline into the text report, in memory (textSink) or through its spool file (TextReport, what the
 * command uses); heap used after two full GCs at every quarter of the capture, before the connection ends.
 *
 *   node --expose-gc --import tsx scripts/bench/text-memory.ts spool|memory|none [SECONDS] [CALL_EVERY] [POINTS]
 */
import { CaptureReader } from '../../src/capture/capture-reader.js';
import { createEngine } from '../../src/engine/pipeline.js';
import { TextReport, textSink } from '../../src/output/text.js';
import { TextSpool } from '../../src/output/text-spool.js';
import { longConnection } from './live-capture.js';

const MB = 1024 * 1024;
const [mode = 'spool', secondsArg = '3600', everyArg = '0.02', pointsArg = '4'] = process.argv.slice(2);
const seconds = Number(secondsArg);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run node with --expose-gc');
const heap = (): number => {
  gc();
  gc();
  return process.memoryUsage().heapUsed / MB;
};

const drop = (): void => undefined;
// none: no report at all (frames, calls and records dropped), what the rest of the pipeline holds.
const none = { frame: drop, call: drop, connection: drop, diagnostic: drop, capture: drop };
const sink =
  mode === 'none'
    ? none
    : mode === 'memory'
      ? textSink(drop)
      : new TextReport(drop, {}, new TextSpool('text')).sink;
const engine = createEngine({ file: '-' }, sink);
const reader = new CaptureReader();
// Lets queued callbacks run between chunks, as the CLI's reading loop does: the generator's hpack.js
// compressor emits on process.nextTick, and a loop that never yields keeps every queued tick alive (about
// 500 bytes a call, which session 6 took for growth of the pipeline).
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
let next = 0;
const t0 = process.cpuUsage();
for (const { chunk, time } of longConnection({ seconds, callEvery: Number(everyArg) })) {
  engine.push(reader.push(chunk));
  await turn();
  if (time - 1_800_000_000 >= next) {
    console.log(
      `${mode} capture ${((time - 1_800_000_000) / 3600).toFixed(2)} h: heap ${heap().toFixed(1)} MB`,
    );
    next += seconds / Number(pointsArg);
  }
}
console.log(
  `${mode} end: heap ${heap().toFixed(1)} MB, cpu ${(process.cpuUsage(t0).user / 1e6).toFixed(1)} s`,
);
