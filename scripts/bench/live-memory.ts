/**
 * Live memory (docs/performance.md, "Live and long-lived connections"): what connections that do not end
 * cost, through the real pipeline (capture reader -> engine with the gRPC and analysis observers -> ndjson,
 * output dropped), on synthetic captures built in memory (scripts/bench/live-capture.ts).
 *
 *   node --expose-gc --import tsx scripts/bench/live-memory.ts idle [N]        # heap per idle open connection
 *   node --expose-gc --import tsx scripts/bench/live-memory.ts idle-ping [N] [PINGS]  # what keepalive PINGs add
 *   node --expose-gc --import tsx scripts/bench/live-memory.ts long [SECONDS]  # heap over one endless connection
 *
 * idle: N connections (default 100,000) open, exchange preface and SETTINGS, then stay silent; heap used
 * after a full GC, before and after, divided by N, for the whole pipeline and for its lower layers alone
 * (no observers; TCP only), so the difference says which layer the bytes are in.
 * idle-ping: N idle connections (default 100,000) as above, then each client sends PINGS PINGs (default 1)
 * 30 s apart, each ACKed: heap per connection after a full GC before and after the PINGs (what an idle
 * gRPC channel's keepalive adds), through the whole pipeline.
 * long: one connection with a unary call every 2 s and a PING every 30 s for SECONDS of capture time
 * (default 86,400: 24 hours); heap after a full GC at every eighth of it. Flat means bounded.
 */
import { CaptureReader } from '../../src/capture/capture-reader.js';
import { Engine } from '../../src/engine/engine.js';
import { createEngine } from '../../src/engine/pipeline.js';
import { NetDecoder } from '../../src/net/net-decoder.js';
import { ndjsonSink } from '../../src/output/ndjson.js';
import { FlowTable } from '../../src/tcp/flow-table.js';
import { idleConnections, idlePingPhases, longConnection } from './live-capture.js';

const MB = 1024 * 1024;

function heapAfterGc(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run node with --expose-gc');
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

type Layer = 'pipeline' | 'no-observers' | 'tcp-only';

interface Feeder {
  push(chunk: Buffer): void;
  /** Keeps the state alive until measured. */
  keep: unknown;
}

function feeder(layer: Layer): Feeder {
  const reader = new CaptureReader();
  const sink = ndjsonSink(() => undefined);
  if (layer === 'tcp-only') {
    const net = new NetDecoder();
    const flows = new FlowTable();
    return {
      keep: [reader, net, flows],
      push: (chunk) => {
        for (const ev of reader.push(chunk)) {
          if (ev.kind !== 'packet') continue;
          for (const nev of net.push(ev.packet)) if (nev.kind === 'tcp') flows.push(nev.segment);
        }
      },
    };
  }
  const engine =
    layer === 'pipeline' ? createEngine({ file: 'live' }, sink) : new Engine({ file: 'live' }, sink);
  return { keep: [reader, engine], push: (chunk) => engine.push(reader.push(chunk)) };
}

export async function idleCost(
  n: number,
  layer: Layer,
  /** Receives the pipeline's state, kept alive after the call (for a heap snapshot). */
  keep?: unknown[],
): Promise<{ bytesPerConnection: number; snapshotMs: number | null }> {
  const before = heapAfterGc();
  const f = feeder(layer);
  for (const chunk of idleConnections(n)) {
    f.push(chunk);
    await turn();
  }
  const after = heapAfterGc();
  let snapshotMs: number | null = null;
  const engine = (f.keep as unknown[])[1];
  if (layer === 'pipeline' && engine instanceof Engine) {
    const t = process.hrtime.bigint();
    const recs = engine.snapshot();
    snapshotMs = Number(process.hrtime.bigint() - t) / 1e6;
    if (recs.length !== n) throw new Error(`expected ${n} open connections, snapshot gave ${recs.length}`);
  }
  keep?.push(f.keep);
  return { bytesPerConnection: (after - before) / n, snapshotMs };
}

/** Heap per connection added by `pings` PING + ACK pairs on each of n open idle connections (pipeline). */
export async function idlePingCost(
  n: number,
  pings: number,
  /** Runs between the two phases (heap snapshot of the open connections); the state stays alive during it. */
  between?: () => Promise<void>,
): Promise<{ openBytesPerConnection: number; pingBytesPerConnection: number }> {
  const before = heapAfterGc();
  const f = feeder('pipeline');
  const phases = idlePingPhases(n, pings);
  for (const chunk of phases.opening) {
    f.push(chunk);
    await turn();
  }
  const open = heapAfterGc();
  await between?.();
  for (const chunk of phases.pinging) {
    f.push(chunk);
    await turn();
  }
  const after = heapAfterGc();
  await between?.();
  const engine = (f.keep as unknown[])[1];
  if (engine instanceof Engine && engine.snapshot().length !== n)
    throw new Error('connections should be open');
  return { openBytesPerConnection: (open - before) / n, pingBytesPerConnection: (after - open) / n };
}

/** Lets queued callbacks run (hpack.js's streams emit on process.nextTick), as the CLI's reading loop does. */
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export async function longHeap(
  seconds: number,
): Promise<Array<{ hours: number; heapMB: number; calls: number }>> {
  let calls = 0;
  const engine = createEngine({ file: 'live' }, { ...ndjsonSink(() => undefined), call: () => void calls++ });
  const reader = new CaptureReader();
  const samples: Array<{ hours: number; heapMB: number; calls: number }> = [];
  let start: number | null = null;
  let next = 0;
  for (const { chunk, time } of longConnection({ seconds })) {
    engine.push(reader.push(chunk));
    await turn();
    start ??= time;
    const elapsed = time - start;
    if (elapsed >= next) {
      samples.push({ hours: elapsed / 3600, heapMB: heapAfterGc() / MB, calls });
      next += seconds / 8;
    }
  }
  samples.push({ hours: seconds / 3600, heapMB: heapAfterGc() / MB, calls });
  if (engine.snapshot().length !== 1) throw new Error('the connection should still be open');
  return samples;
}

if (process.argv[1]?.endsWith('live-memory.ts')) {
  const [mode = 'idle', arg] = process.argv.slice(2);
  if (mode === 'idle') {
    const n = Number(arg ?? 100_000);
    for (const layer of ['tcp-only', 'no-observers', 'pipeline'] as const) {
      const r = await idleCost(n, layer);
      const snap = r.snapshotMs === null ? '' : `, engine.snapshot() of all: ${r.snapshotMs.toFixed(0)} ms`;
      console.log(
        `${layer.padEnd(13)} ${n} idle open connections: ${r.bytesPerConnection.toFixed(0)} bytes each${snap}`,
      );
    }
  } else if (mode === 'idle-ping') {
    const n = Number(arg ?? 100_000);
    const pings = Number(process.argv[4] ?? 1);
    const r = await idlePingCost(n, pings);
    console.log(
      `pipeline ${n} idle open connections: ${r.openBytesPerConnection.toFixed(0)} bytes each; ` +
        `${pings} PING + ACK each added ${r.pingBytesPerConnection.toFixed(0)} bytes per connection`,
    );
  } else if (mode === 'long') {
    const seconds = Number(arg ?? 86_400);
    for (const s of await longHeap(seconds))
      console.log(
        `${s.hours.toFixed(2).padStart(6)} h  ${String(s.calls).padStart(7)} calls  heap ${s.heapMB.toFixed(1)} MB`,
      );
  } else {
    console.error('usage: live-memory.ts idle [N] | idle-ping [N] [PINGS] | long [SECONDS]');
    process.exitCode = 2;
  }
}
