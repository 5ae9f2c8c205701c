/**
 * Heap per idle open connection for the layers named, each in turn in this process (live-memory.ts idle
 * runs all three): `node --expose-gc --import tsx scripts/bench/idle-one.ts N pipeline [pipeline ...]`.
 *
 * With PARSE_FIRST=1 a heap snapshot is read and grouped (what heap-classes.ts does) before the layer
 * runs: the same code then measures about 1 KB less per connection (docs/performance.md, "Idle
 * connection, session 8": the gap between heap used and heap-classes.ts is the latter's baseline).
 */
import { byClass, readSnapshot } from './heap-snapshot.js';
import { idleCost } from './live-memory.js';

const n = Number(process.argv[2] ?? 20_000);
for (const layer of process.argv.slice(3) as Array<'pipeline' | 'no-observers' | 'tcp-only'>) {
  if (process.env.PARSE_FIRST) byClass(await readSnapshot());
  const r = await idleCost(n, layer);
  console.log(`${layer} ${n} idle open connections: ${r.bytesPerConnection.toFixed(0)} bytes each`);
}
