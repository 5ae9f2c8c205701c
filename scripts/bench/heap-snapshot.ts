/**
 * Heap snapshots grouped by what holds them, for finding what to cut (heap-classes.ts, growth-classes.ts;
 * docs/performance.md, "Live and long-lived connections").
 */
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getHeapSnapshot, writeHeapSnapshot } from 'node:v8';

interface Snapshot {
  snapshot: {
    meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] };
  };
  nodes: number[];
  edges: number[];
  strings: string[];
}

export async function readSnapshot(): Promise<Snapshot> {
  const chunks: Buffer[] = [];
  for await (const c of getHeapSnapshot()) chunks.push(c as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Snapshot;
}

/**
 * A snapshot written to a temporary file now, to be read later (readSnapshotFile): reading one (parsing
 * hundreds of MB of JSON) before a measurement changes the heap the measurement starts from, and the same
 * code then measured about 1 KB less per idle connection than in a fresh process (docs/performance.md,
 * "Idle connection, session 8" and "session 9"). Written, not read, the rows add up to heap used.
 */
export function writeSnapshot(): string {
  return writeHeapSnapshot(join(tmpdir(), `h2scope-${process.pid}-${Date.now()}.heapsnapshot`));
}

/** Reads and deletes a snapshot writeSnapshot() wrote. */
export function readSnapshotFile(path: string): Snapshot {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Snapshot;
  } finally {
    rmSync(path, { force: true });
  }
}

export type ClassCounts = Map<string, { count: number; bytes: number }>;

/**
 * Nodes grouped by class; plain objects and arrays by where they hang (the retaining class and property,
 * e.g. `Array <- HalfStream.segments`), which says which field to cut.
 */
export function byClass(s: Snapshot): ClassCounts {
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
  const out: ClassCounts = new Map();
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

/** Rows of `after` minus `base`, per unit (a connection, a call), largest first. */
export function diffRows(
  base: ClassCounts,
  after: ClassCounts,
  per: number,
): Array<{ name: string; count: number; bytes: number }> {
  const rows = [...after].map(([name, a]) => {
    const b = base.get(name) ?? { count: 0, bytes: 0 };
    return { name, count: (a.count - b.count) / per, bytes: (a.bytes - b.bytes) / per };
  });
  rows.sort((x, y) => y.bytes - x.bytes);
  return rows;
}
