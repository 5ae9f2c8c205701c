/**
 * Which objects an idle open connection is made of: N idle connections through the whole pipeline (as
 * live-memory.ts idle), then a heap snapshot grouped by constructor name: count and self bytes per
 * connection, largest first. For finding what to cut (docs/performance.md, "Live and long-lived
 * connections").
 *
 *   node --expose-gc --import tsx scripts/bench/heap-classes.ts [N] [pipeline|no-observers|tcp-only]
 */
import { getHeapSnapshot } from 'node:v8';
import { idleCost } from './live-memory.js';

interface Snapshot {
  snapshot: {
    meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] };
  };
  nodes: number[];
  edges: number[];
  strings: string[];
}

async function readSnapshot(): Promise<Snapshot> {
  const chunks: Buffer[] = [];
  for await (const c of getHeapSnapshot()) chunks.push(c as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Snapshot;
}

/**
 * Nodes grouped by class; plain objects and arrays by where they hang (the retaining class and property,
 * e.g. `Array <- HalfStream.segments`), which says which field to cut.
 */
function byClass(s: Snapshot): Map<string, { count: number; bytes: number }> {
  const f = s.snapshot.meta.node_fields;
  const width = f.length;
  const typeAt = f.indexOf('type');
  const nameAt = f.indexOf('name');
  const sizeAt = f.indexOf('self_size');
  const edgesAt = f.indexOf('edge_count');
  const types = s.snapshot.meta.node_types[0];
  const ef = s.snapshot.meta.edge_fields;
  const ewidth = ef.length;
  const etypeAt = ef.indexOf('type');
  const enameAt = ef.indexOf('name_or_index');
  const etoAt = ef.indexOf('to_node');
  const etypes = s.snapshot.meta.edge_types[0];
  const label = (i: number): string => {
    const type = types[s.nodes[i + typeAt]!]!;
    return type === 'object' || type === 'closure' ? s.strings[s.nodes[i + nameAt]!]! : `(${type})`;
  };
  // first retainer of each node, by a strong edge
  const owner = new Map<number, string>();
  let e = 0;
  for (let i = 0; i < s.nodes.length; i += width) {
    const count = s.nodes[i + edgesAt]!;
    for (let k = 0; k < count; k++, e += ewidth) {
      const et = etypes[s.edges[e + etypeAt]!]!;
      if (et === 'weak' || et === 'shortcut') continue;
      const to = s.edges[e + etoAt]!;
      if (owner.has(to)) continue;
      const nm =
        et === 'element' || et === 'hidden' ? `[${s.edges[e + enameAt]}]` : s.strings[s.edges[e + enameAt]!]!;
      owner.set(to, `${label(i)}.${et === 'element' ? '[]' : nm}`);
    }
  }
  const out = new Map<string, { count: number; bytes: number }>();
  for (let i = 0; i < s.nodes.length; i += width) {
    let name = label(i);
    if (name === 'Object' || name === 'Array' || name.startsWith('('))
      name = `${name} <- ${owner.get(i) ?? '?'}`;
    const x = out.get(name) ?? { count: 0, bytes: 0 };
    x.count++;
    x.bytes += s.nodes[i + sizeAt]!;
    out.set(name, x);
  }
  return out;
}

const n = Number(process.argv[2] ?? 20_000);
const layer = (process.argv[3] ?? 'pipeline') as 'pipeline' | 'no-observers' | 'tcp-only';
const base = byClass(await readSnapshot());
const kept: unknown[] = [];
const r = await idleCost(n, layer, kept);
const after = byClass(await readSnapshot());
console.log(`${layer}: ${r.bytesPerConnection.toFixed(0)} bytes per idle connection (heap after GC)`);
const rows = [...after].map(([name, a]) => {
  const b = base.get(name) ?? { count: 0, bytes: 0 };
  return { name, count: (a.count - b.count) / n, bytes: (a.bytes - b.bytes) / n };
});
rows.sort((x, y) => y.bytes - x.bytes);
for (const row of rows.slice(0, 70))
  if (row.bytes >= 4)
    console.log(`${row.bytes.toFixed(0).padStart(6)} B  ${row.count.toFixed(2).padStart(6)}  ${row.name}`);
