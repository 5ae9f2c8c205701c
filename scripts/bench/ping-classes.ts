/**
 * What keepalive PINGs add to an idle open connection, by class: N idle connections through the whole
 * pipeline (as live-memory.ts idle-ping), a heap snapshot once all are open and another after each client
 * sent PINGS PINGs (each ACKed), grouped by constructor name and compared per connection
 * (docs/performance.md, "Keepalive PINGs of idle connections, session 8").
 *
 *   node --expose-gc --import tsx scripts/bench/ping-classes.ts [N] [PINGS]
 */
import { byClass, diffRows, readSnapshot, type ClassCounts } from './heap-snapshot.js';
import { idlePingCost } from './live-memory.js';

const n = Number(process.argv[2] ?? 20_000);
const pings = Number(process.argv[3] ?? 1);
const snaps: ClassCounts[] = [];
const r = await idlePingCost(n, pings, async () => void snaps.push(byClass(await readSnapshot())));
console.log(
  `${n} idle connections, ${pings} PING + ACK each: ${r.pingBytesPerConnection.toFixed(0)} bytes per connection (heap after GC)`,
);
for (const row of diffRows(snaps[0]!, snaps[1]!, n).slice(0, 40))
  if (Math.abs(row.bytes) >= 2)
    console.log(`${row.bytes.toFixed(1).padStart(8)} B  ${row.count.toFixed(2).padStart(6)} x  ${row.name}`);
