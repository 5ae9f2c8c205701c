/**
 * Where the TUI's decoding worker's old-generation garbage is allocated: runs the worker's work (engine +
 * builder store, a batch shipped and dropped every 1,000 frames) on FILE under V8's sampling heap profiler
 * counting objects that died in a full collection (promoted, then garbage) and those still alive, not those
 * a scavenge took. Prints the top allocating functions by sampled bytes.
 *
 *   node --import tsx scripts/bench/worker-promoted.ts FILE [top]
 */
import { Session } from 'node:inspector/promises';
import { loadLikeWorker } from './worker-load.js';

const file = process.argv[2]!;
const top = Number(process.argv[3] ?? 30);
const session = new Session();
session.connect();
await session.post('HeapProfiler.startSampling', {
  samplingInterval: 32768,
  includeObjectsCollectedByMajorGC: true,
  includeObjectsCollectedByMinorGC: false,
} as never);
const { store, engine } = await loadLikeWorker(file);
const { profile } = (await session.post('HeapProfiler.stopSampling')) as {
  profile: { head: Node };
};
interface Node {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: Node[];
}
const self = new Map<string, number>();
const stacks = new Map<string, number>();
let total = 0;
const walk = (n: Node, path: string[]): void => {
  const f = n.callFrame;
  const name = `${f.functionName || '(anon)'} ${f.url.replace(/.*\/src\//, '')}:${f.lineNumber + 1}`;
  const p = [...path, name];
  if (n.selfSize > 0) {
    total += n.selfSize;
    self.set(name, (self.get(name) ?? 0) + n.selfSize);
    const key = p.slice(-4).join(' < ');
    stacks.set(key, (stacks.get(key) ?? 0) + n.selfSize);
  }
  for (const c of n.children) walk(c, p);
};
walk(profile.head, []);
const MiB = (b: number): string => (b / 1048576).toFixed(1).padStart(7);
console.log(`frames ${store.frames.count}: sampled ${MiB(total)} MiB promoted or live`);
for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${MiB(v)}  ${k}`);
console.log('--- stacks (innermost first reversed: outer < inner)');
for (const [k, v] of [...stacks].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${MiB(v)}  ${k}`);
void engine;
