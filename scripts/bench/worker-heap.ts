/**
 * What the TUI's decoding worker keeps alive while it loads (throwaway probe for docs/performance.md,
 * "TUI load, session 8"): runs the worker's work (engine + builder store, a batch shipped and dropped every
 * 1,000 frames) on FILE, then a heap snapshot grouped by class.
 *
 *   node --expose-gc --import tsx scripts/bench/worker-heap.ts FILE [top] [--no-snapshot: peak RSS and CPU only]
 *     [--at FRAMES: stop there, in the middle of the load, without finishing]
 */
import { loadLikeWorker } from './worker-load.js';
import { byClass, diffRows, readSnapshot } from './heap-snapshot.js';

const file = process.argv[2]!;
const top = Number(/^\d+$/.test(process.argv[3] ?? '') ? process.argv[3] : 40);
const gc = (globalThis as { gc?: () => void }).gc!;
gc();
const before = byClass(await readSnapshot());
const heap0 = process.memoryUsage().heapUsed;
const at = process.argv.indexOf('--at');
const { store, engine } = await loadLikeWorker(file, at > 0 ? Number(process.argv[at + 1]) : undefined);
const usage = process.resourceUsage();
console.log(
  `peak RSS ${(usage.maxRSS / 1024).toFixed(1)} MiB, CPU ${((usage.userCPUTime + usage.systemCPUTime) / 1e6).toFixed(2)} s`,
);
if (process.argv.includes('--no-snapshot')) process.exit(0);
gc();
gc();
const m = process.memoryUsage();
console.log(
  `frames ${store.frames.count} heapUsed ${((m.heapUsed - heap0) / 1048576).toFixed(1)} MiB external ${(m.external / 1048576).toFixed(1)} MiB`,
);
const after = byClass(await readSnapshot());
let total = 0;
for (const row of diffRows(before, after, 1)) total += row.bytes;
console.log(`snapshot delta ${(total / 1048576).toFixed(1)} MiB`);
for (const row of diffRows(before, after, 1).slice(0, top))
  console.log(
    `${(row.bytes / 1048576).toFixed(2).padStart(8)} MiB ${String(row.count).padStart(9)}  ${row.name}`,
  );
void engine;
