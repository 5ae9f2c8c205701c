/**
 * Where the time goes, layer by layer: runs the engine in-process on FILE with more and more of the
 * pipeline switched on, each configuration in its own child process (best of N by CPU time), so the
 * difference between two rows is what that layer costs.
 *   node --import tsx scripts/bench/layers.ts FILE [--runs N]
 */
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CaptureSource } from '../../src/capture/source.js';
import { Engine, type RecordSink } from '../../src/engine/engine.js';
import { createEngine } from '../../src/engine/pipeline.js';
import type { ConnectionObserverFactory } from '../../src/engine/observer.js';
import { grpcObserverFactory } from '../../src/grpc/call-observer.js';
import { ndjsonSink } from '../../src/output/ndjson.js';

const SCRIPT = fileURLToPath(import.meta.url);

export const LAYERS = {
  read: 'capture reader only (packets counted)',
  h2: '+ net, TCP reassembly, session, HTTP/2 frames and HPACK (no observers, records dropped)',
  grpc: '+ gRPC calls and messages (schema-less)',
  all: '+ connection and capture analysis (the whole pipeline, records dropped)',
  ndjson: '+ ndjson serialisation (JSON.stringify of every record, text dropped)',
} as const;
export type Layer = keyof typeof LAYERS;

const NULL_SINK: RecordSink = {
  connection: () => undefined,
  frame: () => undefined,
  call: () => undefined,
  diagnostic: () => undefined,
  capture: () => undefined,
};

function engineFor(layer: Layer, file: string): Engine | null {
  if (layer === 'read') return null;
  if (layer === 'all') return createEngine({ file }, NULL_SINK);
  if (layer === 'ndjson')
    return createEngine(
      { file },
      ndjsonSink(() => undefined),
    );
  const observers: ConnectionObserverFactory[] = layer === 'grpc' ? [grpcObserverFactory(null)] : [];
  return new Engine({ file, h2Ports: new Set(), observers, captureObservers: [] }, NULL_SINK);
}

async function worker(layer: Layer, file: string): Promise<void> {
  const engine = engineFor(layer, file);
  const cpu0 = process.cpuUsage();
  let packets = 0;
  for await (const events of new CaptureSource(file).events()) {
    if (engine) engine.push(events);
    else packets += events.length;
  }
  engine?.finish();
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  process.stdout.write(JSON.stringify({ cpuSeconds, packets }) + '\n');
}

export function measureLayers(file: string, runs: number): Array<{ layer: Layer; cpuSeconds: number }> {
  return (Object.keys(LAYERS) as Layer[]).map((layer) => {
    let best = Infinity;
    for (let i = 0; i < runs; i++) {
      const r = spawnSync(process.execPath, ['--import', 'tsx', SCRIPT, '--worker', layer, file], {
        encoding: 'utf8',
      });
      if (r.status !== 0) throw new Error(`${layer}: ${r.stderr}`);
      const { cpuSeconds } = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}') as { cpuSeconds: number };
      best = Math.min(best, cpuSeconds);
    }
    return { layer, cpuSeconds: best };
  });
}

export function printLayers(file: string, rows: Array<{ layer: Layer; cpuSeconds: number }>): void {
  const mb = statSync(file).size / 1e6;
  let previous = 0;
  for (const { layer, cpuSeconds } of rows) {
    const delta = cpuSeconds - previous;
    previous = cpuSeconds;
    console.log(
      `${cpuSeconds.toFixed(2).padStart(7)} s CPU ${(mb / cpuSeconds).toFixed(1).padStart(6)} MB/s ` +
        `(+${delta.toFixed(2)} s)  ${LAYERS[layer]}`,
    );
  }
}

if (process.argv[1] === SCRIPT) {
  const args = process.argv.slice(2);
  if (args[0] === '--worker') await worker(args[1] as Layer, args[2]!);
  else {
    const runsAt = args.indexOf('--runs');
    const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 2;
    printLayers(args[0]!, measureLayers(args[0]!, runs));
  }
}
