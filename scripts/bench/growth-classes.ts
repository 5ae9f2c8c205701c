/**
 * What one endless connection's state grows by, per call: the synthetic connection of live-capture.ts (a
 * unary call every CALL_EVERY s) through the whole pipeline with no report, heap snapshots after FROM and
 * after TO calls, grouped by class and compared (docs/performance.md, "Live and long-lived connections").
 *
 *   node --expose-gc --import tsx scripts/bench/growth-classes.ts [FROM] [TO] [CALL_EVERY]
 */
import { CaptureReader } from '../../src/capture/capture-reader.js';
import { createEngine } from '../../src/engine/pipeline.js';
import { byClass, diffRows, readSnapshot, type ClassCounts } from './heap-snapshot.js';
import { longConnection } from './live-capture.js';

const [fromArg = '10000', toArg = '40000', everyArg = '0.02'] = process.argv.slice(2);
const from = Number(fromArg);
const to = Number(toArg);
const every = Number(everyArg);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run node with --expose-gc');
const heapMB = (): number => {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
};

let calls = 0;
const drop = (): void => undefined;
const sink = { frame: drop, call: () => void calls++, connection: drop, diagnostic: drop, capture: drop };
const engine = createEngine({ file: '-' }, sink);
const reader = new CaptureReader();
// Lets queued callbacks run, as the CLI's reading loop does: the generator's hpack.js compressor emits on
// process.nextTick, and a loop that never yields keeps every queued tick (text-memory.ts did: ~500 B a call).
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
let base: ClassCounts | null = null;
let baseHeap = 0;
// The connection lasts long enough for TO calls; it never ends within the loop.
for (const { chunk } of longConnection({ seconds: (to + 10) * every * 1.05, callEvery: every })) {
  engine.push(reader.push(chunk));
  await turn();
  if (!base && calls >= from) {
    baseHeap = heapMB();
    base = byClass(await readSnapshot());
    console.log(`${calls} calls: heap ${baseHeap.toFixed(1)} MB`);
  } else if (base && calls >= to) {
    const h = heapMB();
    const after = byClass(await readSnapshot());
    console.log(
      `${calls} calls: heap ${h.toFixed(1)} MB, ${(((h - baseHeap) * 2 ** 20) / (to - from)).toFixed(0)} B per call`,
    );
    for (const row of diffRows(base, after, to - from).slice(0, 40))
      if (Math.abs(row.bytes) >= 2)
        console.log(
          `${row.bytes.toFixed(1).padStart(7)} B  ${row.count.toFixed(3).padStart(7)}  ${row.name}`,
        );
    break;
  }
}
