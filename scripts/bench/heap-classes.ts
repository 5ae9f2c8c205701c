/**
 * Which objects an idle open connection is made of: N idle connections through the whole pipeline (as
 * live-memory.ts idle), then a heap snapshot grouped by constructor name: count and self bytes per
 * connection, largest first, and the sum of every row (which matches heap used). For finding what to cut
 * (docs/performance.md, "Live and long-lived connections").
 *
 *   node --expose-gc --import tsx scripts/bench/heap-classes.ts [N] [pipeline|no-observers|tcp-only]
 */
import { byClass, diffRows, readSnapshotFile, writeSnapshot } from './heap-snapshot.js';
import { idleCost } from './live-memory.js';

const n = Number(process.argv[2] ?? 20_000);
const layer = (process.argv[3] ?? 'pipeline') as 'pipeline' | 'no-observers' | 'tcp-only';
// Both snapshots are written first and read after: reading one before the run made the run's heap differ
// from a fresh process's (heap-snapshot.ts, writeSnapshot).
const basePath = writeSnapshot();
const kept: unknown[] = [];
const r = await idleCost(n, layer, kept);
const afterPath = writeSnapshot();
const rows = diffRows(byClass(readSnapshotFile(basePath)), byClass(readSnapshotFile(afterPath)), n);
const sum = rows.reduce((total, row) => total + row.bytes, 0);
console.log(
  `${layer}: ${r.bytesPerConnection.toFixed(0)} bytes per idle connection (heap after GC); ` +
    `all rows: ${sum.toFixed(0)}`,
);
for (const row of rows.slice(0, 70))
  if (row.bytes >= 4)
    console.log(`${row.bytes.toFixed(0).padStart(6)} B  ${row.count.toFixed(2).padStart(6)}  ${row.name}`);
