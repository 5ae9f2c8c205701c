/**
 * Heap a --summary holds per call (docs/performance.md, "--summary on a live pipe, session 8"): feeds
 * `--calls` call records (one connection, one method, distinct durations and latency parts, as a
 * long-lived channel gives) into SummaryReport's sink and prints the heap used plus ArrayBuffer memory after a full GC, before
 * and after, per call. Pass `--root DIR` to measure another checkout's src/ (the A/B against main).
 *
 *   node --expose-gc --import tsx scripts/bench/summary-heap.ts [--calls 200000] [--root .]
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

const calls = Number(arg('--calls', '200000'));
const root = resolve(arg('--root', new URL('../..', import.meta.url).pathname));
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

const { SummaryReport } = (await import(pathToFileURL(`${root}/src/output/summary.ts`).href)) as {
  SummaryReport: new () => { sink: { call?: (c: unknown) => void; capture?: (c: unknown) => void } };
};
const { callRecord } = (await import(pathToFileURL(`${root}/test/analysis/build.ts`).href)) as {
  callRecord: (over: Record<string, unknown>) => Record<string, unknown>;
};

function heap(): number {
  gc!();
  gc!();
  // Typed arrays' backing stores live outside the JS heap: count them (arrayBuffers) too.
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

const report = new SummaryReport();
// Held where V8 cannot see its last use: otherwise the report is collected before the second reading.
(globalThis as { keep?: unknown }).keep = report;
// Warm up the code paths (and the method's map entries) before the first reading.
const make = (i: number): Record<string, unknown> => {
  const d = 1 + ((i * 7919) % 10007) / 1000;
  return callRecord({
    stream: 1 + 2 * i,
    start: i * 0.04,
    end: i * 0.04 + d / 1000,
    durationMs: d,
    latency: {
      requestMs: d * 0.1,
      serverMs: d * 0.6,
      responseMs: d * 0.2,
      clientFlowWaitMs: 0,
      serverFlowWaitMs: 0,
      retransmissionMs: d * 0.05,
      unaccountedMs: d * 0.05,
    },
  });
};
for (let i = 0; i < 100; i++) report.sink.call?.(make(i));
const before = heap();
const cpu0 = process.cpuUsage();
for (let i = 100; i < calls + 100; i++) report.sink.call?.(make(i));
const cpu = process.cpuUsage(cpu0);
const after = heap();
console.log(
  JSON.stringify({
    root,
    calls,
    memBeforeMiB: +(before / 2 ** 20).toFixed(1),
    memAfterMiB: +(after / 2 ** 20).toFixed(1),
    bytesPerCall: +((after - before) / calls).toFixed(1),
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
  }),
);
