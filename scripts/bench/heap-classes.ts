/**
 * Which objects an idle open connection is made of: N idle connections through the whole pipeline (as
 * live-memory.ts idle), then a heap snapshot grouped by constructor name: count and self bytes per
 * connection, largest first. For finding what to cut (docs/performance.md, "Live and long-lived
 * connections").
 *
 *   node --expose-gc --import tsx scripts/bench/heap-classes.ts [N] [pipeline|no-observers|tcp-only]
 */
import { byClass, diffRows, readSnapshot } from './heap-snapshot.js';
import { idleCost } from './live-memory.js';

const n = Number(process.argv[2] ?? 20_000);
const layer = (process.argv[3] ?? 'pipeline') as 'pipeline' | 'no-observers' | 'tcp-only';
const base = byClass(await readSnapshot());
const kept: unknown[] = [];
const r = await idleCost(n, layer, kept);
const after = byClass(await readSnapshot());
console.log(`${layer}: ${r.bytesPerConnection.toFixed(0)} bytes per idle connection (heap after GC)`);
for (const row of diffRows(base, after, n).slice(0, 70))
  if (row.bytes >= 4)
    console.log(`${row.bytes.toFixed(0).padStart(6)} B  ${row.count.toFixed(2).padStart(6)}  ${row.name}`);
