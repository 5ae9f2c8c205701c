/**
 * What the TUI's store costs per frame: node --expose-gc --import tsx scripts/bench/store-memory.ts FILE [--json]
 *
 * Loads FILE through the engine into a CaptureStore exactly as the TUI does (hpackReports on), then,
 * after full garbage collections, prints the live heap, external memory (typed arrays), RSS, and those
 * divided by the number of frames, with the load time. Then it drops the store's parts one at a time
 * (calls, HPACK inspector data, frames, connections, strings) to attribute the heap to each.
 *
 * With --replica it measures what the TUI's UI thread keeps: a builder store (as in the load worker) ships
 * a batch every 1,000 frames to a replica store (header names and values as bytes, src/model/string-arena.ts),
 * and the figures are the replica's.
 */
import { performance } from 'node:perf_hooks';
import { CaptureSource } from '../../src/capture/source.js';
import { createEngine } from '../../src/engine/pipeline.js';
import { CaptureStore } from '../../src/model/store.js';
import { ByteSpool, NODE_FS } from '../../src/model/store-spool.js';
import { tmpdir } from 'node:os';

const file = process.argv[2];
if (!file) throw new Error('usage: store-memory.ts FILE');
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

function live(): { heap: number; external: number; rss: number } {
  for (let i = 0; i < 3; i++) gc!();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, external: m.external, rss: m.rss };
}

const MiB = (n: number): string => (n / 1048576).toFixed(1);

const base = live();
const t0 = performance.now();
const replicated = process.argv.includes('--replica');
const store = new CaptureStore({ throttleMs: 0 });
// The worker's builder appends to the replica's spool file through its descriptor, as in the TUI.
/** Loads FILE into `store`, through a builder store in batches with --replica (the builder is dropped after). */
async function load(): Promise<object> {
  // The worker's builder appends to the replica's spool file through its descriptor, as in the TUI.
  const spool = replicated ? new ByteSpool(NODE_FS, tmpdir(), store.spool!.descriptor!) : null;
  const builder = replicated ? new CaptureStore({ throttleMs: 0, builder: true, spool }) : store;
  const engine = createEngine({ file: file!, hpackReports: true }, builder);
  const source = new CaptureSource(file!);
  let shipped = 0;
  for await (const events of source.events()) {
    engine.push(events);
    if (replicated && builder.frames.count - shipped >= 1000) {
      shipped = builder.frames.count;
      store.receive(builder.ship());
    }
  }
  engine.finish();
  if (replicated) store.receive(builder.ship());
  return engine;
}
// The plain store's engine stays referenced, as before (its own interning tables are the store's).
const engine = replicated ? (await load(), null) : await load();
const loadMs = performance.now() - t0;
const full = live();
const frames = store.frames.count;
const used = full.heap + full.external - base.heap - base.external;
const result: Record<string, number> = {
  frames,
  calls: store.callCount,
  connections: store.connections.length,
  loadMs: Math.round(loadMs),
  heapMiB: Number(MiB(full.heap)),
  externalMiB: Number(MiB(full.external)), // includes ArrayBuffers (typed-array columns)
  rssMiB: Number(MiB(full.rss)),
  bytesPerFrame: Math.round(used / Math.max(1, frames)),
};
// Attribution: drop one part at a time (the store is not used again).
const s = store as unknown as Record<string, unknown>;
const parts: Array<[string, () => void]> = [
  ['calls', () => (s['callTable'] = null)],
  ['hpack', () => (s['hpack'] = null)],
  ['frames', () => (s['frames'] = null)],
  ['connections', () => ((s['conns'] as unknown[]).length = 0)],
  ['diagnostics', () => ((s['diags'] as unknown[]).length = 0)],
  ['strings', () => (s['strings'] = null)],
];
let prev = full.heap + full.external;
void engine;
for (const [name, drop] of parts) {
  drop();
  const now = live();
  const total = now.heap + now.external;
  result[`${name}BytesPerFrame`] = Math.round((prev - total) / Math.max(1, frames));
  prev = total;
}
if (process.argv.includes('--json')) console.log(JSON.stringify(result));
else for (const [k, v] of Object.entries(result)) console.log(`${k.padEnd(28)} ${v}`);
