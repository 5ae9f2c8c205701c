/**
 * Does live memory grow with the capture's length? Runs the ndjson pipeline in-process on FILE (output
 * serialised, then dropped) and, every STEP MB of input, forces a full GC and prints the heap still in
 * use. Flat means memory is bounded by live state; a steady climb names a leak, and `--snapshots DIR`
 * writes heap snapshots at the second step and at the end, to compare which objects grew.
 *   node --expose-gc --import tsx scripts/bench/heap-probe.ts FILE [--step MB] [--snapshots DIR]
 */
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { CaptureSource } from '../../src/capture/source.js';
import { createEngine } from '../../src/engine/pipeline.js';
import { ndjsonSink } from '../../src/output/ndjson.js';

export interface HeapSample {
  inputMB: number;
  heapUsedMB: number;
  externalMB: number;
  rssMB: number;
}

const MB = 1024 * 1024;

export async function probe(file: string, stepMB: number, snapshots?: string): Promise<HeapSample[]> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run node with --expose-gc');
  let bytesOut = 0;
  const engine = createEngine(
    { file },
    ndjsonSink((s) => (bytesOut += s.length)),
  );
  const source = new CaptureSource(file);
  const samples: HeapSample[] = [];
  let next = stepMB * MB;
  const sample = (): void => {
    gc();
    const m = process.memoryUsage();
    const inputMB = source.progress.bytesRead / MB;
    samples.push({ inputMB, heapUsedMB: m.heapUsed / MB, externalMB: m.external / MB, rssMB: m.rss / MB });
    if (snapshots && samples.length === 2) writeHeapSnapshot(join(snapshots, 'first.heapsnapshot'));
  };
  for await (const events of source.events()) {
    engine.push(events);
    if (source.progress.bytesRead >= next) {
      sample();
      next += stepMB * MB;
    }
  }
  if (snapshots) writeHeapSnapshot(join(snapshots, 'last.heapsnapshot'));
  engine.finish();
  sample();
  return samples;
}

if (process.argv[1]?.endsWith('heap-probe.ts')) {
  const args = process.argv.slice(2);
  const opt = (name: string): string | undefined => {
    const at = args.indexOf(name);
    return at >= 0 ? args[at + 1] : undefined;
  };
  const samples = await probe(args[0]!, Number(opt('--step') ?? 32), opt('--snapshots'));
  for (const s of samples)
    console.log(
      `${s.inputMB.toFixed(0).padStart(6)} MB in: heap ${s.heapUsedMB.toFixed(1)} MB, ` +
        `external ${s.externalMB.toFixed(1)} MB, rss ${s.rssMB.toFixed(0)} MB`,
    );
}
