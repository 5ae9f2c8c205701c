/**
 * Heap a connection's stream table holds per tracked closed stream (docs/performance.md, "Closed streams,
 * session 9"): one StreamTable fed `--streams` unary calls (request HEADERS END_STREAM, response HEADERS,
 * DATA END_STREAM, one method), all closed; prints the heap used plus ArrayBuffer memory after a full GC,
 * before and after, per stream. `--listed` and `--tracked` are the table's caps (default: none listed, all
 * tracked, i.e. every stream a closed unlisted one). Pass `--root DIR` to measure another checkout's src/.
 *
 *   node --expose-gc --import tsx scripts/bench/closed-streams.ts [--streams 20000] [--root .]
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FrameRecord } from '../../src/records/records.js';
import type { HeaderField } from '../../src/h2/types.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

const streams = Number(arg('--streams', '20000'));
const listed = Number(arg('--listed', '0'));
const tracked = Number(arg('--tracked', String(streams)));
const root = resolve(arg('--root', new URL('../..', import.meta.url).pathname));
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

interface Table {
  onFrame(f: FrameRecord, fields: HeaderField[] | undefined): unknown;
}
const { StreamTable } = (await import(pathToFileURL(`${root}/src/analysis/stream-states.ts`).href)) as {
  StreamTable: new (maxListed: number, maxTracked: number) => Table;
};

function heap(): number {
  gc!();
  gc!();
  // Typed arrays' backing stores live outside the JS heap: count them (arrayBuffers) too.
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

const request: HeaderField[] = [
  { name: ':method', value: 'POST' } as HeaderField,
  { name: ':path', value: '/pkg.Service/Method' } as HeaderField,
];
const response: HeaderField[] = [{ name: ':status', value: '200' } as HeaderField];
let index = 0;
const base = { connection: 'c1', packet: 0, length: 0, flagBits: 0 };
function frame(
  from: 'client' | 'server',
  type: string,
  stream: number,
  time: number,
  flags: string[],
): FrameRecord {
  return { ...base, index: index++, time, from, type, stream, flags };
}
function call(table: Table, i: number): void {
  const id = 1 + 2 * i;
  const t = i * 0.01;
  table.onFrame(frame('client', 'HEADERS', id, t, ['END_STREAM', 'END_HEADERS']), request);
  table.onFrame(frame('server', 'HEADERS', id, t + 0.001, ['END_HEADERS']), response);
  table.onFrame(frame('server', 'DATA', id, t + 0.002, ['END_STREAM']), undefined);
}

// Warm up the code paths in a table of its own, then measure a fresh one.
const warm = new StreamTable(listed, tracked);
for (let i = 0; i < 2000; i++) call(warm, i);
const before = heap();
const table = new StreamTable(listed, tracked);
(globalThis as { keep?: unknown }).keep = [table, warm];
for (let i = 0; i < streams; i++) call(table, i);
const after = heap();
const kept = Math.min(streams, tracked);
console.log(
  `${streams} streams (listed ${listed}, tracked ${tracked}): ${((after - before) / 1024).toFixed(0)} KB, ` +
    `${((after - before) / kept).toFixed(1)} B per tracked stream (${root})`,
);
