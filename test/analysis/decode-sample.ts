/**
 * Runs a sample through the real pipeline (createEngine, as the CLI does) and keeps every record,
 * calls included. Decoded once per file and shared by the tests of a file.
 */
import { readCaptureFile } from '../../src/capture/source.js';
import type { Diagnostic } from '../../src/diagnostics/types.js';
import { createEngine } from '../../src/engine/pipeline.js';
import type { CallRecord } from '../../src/records/call.js';
import type { CaptureRecord, ConnectionRecord } from '../../src/records/records.js';
import { assertFilled } from './build.js';

export interface Sample {
  connections: ConnectionRecord[];
  diagnostics: Diagnostic[];
  calls: CallRecord[];
  capture: CaptureRecord | null;
  /** Diagnostics of the analysis layer only. */
  analysis: Diagnostic[];
  conn(id: string): ConnectionRecord;
}

const cache = new Map<string, Promise<Sample>>();

export function sample(name: string): Promise<Sample> {
  let p = cache.get(name);
  if (p === undefined) cache.set(name, (p = decode(`samples/${name}`)));
  return p;
}

async function decode(path: string): Promise<Sample> {
  const connections: ConnectionRecord[] = [];
  const diagnostics: Diagnostic[] = [];
  const calls: CallRecord[] = [];
  let capture: CaptureRecord | null = null;
  const engine = createEngine(
    { file: path },
    {
      connection: (c) => connections.push(c),
      frame: () => undefined,
      diagnostic: (d) => diagnostics.push(d),
      call: (c) => calls.push(c),
      capture: (c) => {
        capture = c;
      },
    },
  );
  engine.push(await readCaptureFile(path));
  engine.finish();
  for (const d of diagnostics) if (d.code.startsWith('analysis.')) assertFilled(d);
  const num = (id: string): number => Number(id.slice(1));
  connections.sort((a, b) => num(a.id) - num(b.id));
  return {
    connections,
    diagnostics,
    calls,
    capture,
    analysis: diagnostics.filter((d) => d.code.startsWith('analysis.')),
    conn(id) {
      const c = connections.find((x) => x.id === id);
      if (c === undefined) throw new Error(`no connection ${id} in ${path}`);
      return c;
    },
  };
}
