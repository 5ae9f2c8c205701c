/**
 * The whole pipeline on bytes held in memory, as the CLI runs it on a file: CaptureSource (gzip sniffing
 * included) -> createEngine -> the ndjson and text writers. Only what the sweeps check is kept.
 */
import { Readable } from 'node:stream';
import { CaptureSource } from '../../src/capture/source.js';
import { DIAGNOSTICS } from '../../src/diagnostics/catalogue.js';
import type { Diagnostic } from '../../src/diagnostics/types.js';
import type { RecordSink } from '../../src/engine/engine.js';
import { createEngine, type PipelineOptions } from '../../src/engine/pipeline.js';
import type { CaptureRecord } from '../../src/records/records.js';
import { ndjsonSink } from '../../src/output/ndjson.js';
import { textSink } from '../../src/output/text.js';

export interface SweepResult {
  diagnostics: Diagnostic[];
  capture: CaptureRecord;
  frames: number;
  connections: number;
  /** Characters the two writers produced (they run so that a throw in them is found too). */
  written: number;
}

/**
 * Decodes `bytes`, delivered in pieces of `chunkSize` bytes (the reader must not care where they split).
 * `extra` sinks (other writers) receive every record too.
 */
export async function decodeBytes(
  bytes: Buffer,
  chunkSize = 64 * 1024,
  opts: Omit<PipelineOptions, 'file'> = {},
  ...extra: RecordSink[]
): Promise<SweepResult> {
  const diagnostics: Diagnostic[] = [];
  let frames = 0;
  let connections = 0;
  let written = 0;
  const count = (line: string): void => {
    written += line.length;
  };
  const writers = [ndjsonSink(count), textSink(count), ...extra];
  const sink: RecordSink = {
    connection: (rec) => {
      connections++;
      for (const w of writers) w.connection(rec);
    },
    frame: (rec, ev) => {
      frames++;
      for (const w of writers) w.frame(rec, ev);
    },
    diagnostic: (d) => {
      diagnostics.push(d);
      for (const w of writers) w.diagnostic(d);
    },
    call: (rec) => {
      for (const w of writers) w.call?.(rec);
    },
    capture: (rec) => {
      for (const w of writers) w.capture(rec);
    },
  };
  const engine = createEngine({ ...opts, file: 'sweep' }, sink);
  const source = new CaptureSource(Readable.from(pieces(bytes, chunkSize), { objectMode: false }));
  for await (const events of source.events()) engine.push(events);
  engine.setCompressed(source.progress.compressed);
  const capture = engine.finish();
  return { diagnostics, capture, frames, connections, written };
}

function pieces(bytes: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) out.push(bytes.subarray(at, at + size));
  return out;
}

/** Deterministic PRNG (mulberry32) so every failure reproduces from its seed. */
export function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What every decode must satisfy whatever the input: problems in words, empty when none. */
export function invariantProblems(r: SweepResult): string[] {
  const problems: string[] = [];
  for (const d of r.diagnostics) {
    if (d.code === 'engine.internal-error') problems.push(`internal error: ${d.message}`);
    const spec = DIAGNOSTICS[d.code];
    if (!spec) {
      problems.push(`${d.code}: not in the catalogue`);
      continue;
    }
    // A placeholder without its param stays visible in the message (src/diagnostics/make.ts).
    for (const [, name] of spec.text.matchAll(/\{(\w+)\}/g)) {
      const v = d.evidence?.[name!];
      if (v === undefined || v === null) problems.push(`${d.code}: no {${name}} in "${d.message}"`);
    }
  }
  return problems;
}
