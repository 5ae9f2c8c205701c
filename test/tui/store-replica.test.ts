/**
 * The TUI decodes in a worker thread into a builder store and ships batches to a replica on the UI thread
 * (src/tui/load-worker.ts). The replica must hold exactly what a store fed directly holds, whatever the
 * batch boundaries: every frame, call, header list, HPACK block, connection and diagnostic.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readCaptureFile } from '../../src/capture/source.js';
import { createEngine } from '../../src/engine/pipeline.js';
import { CaptureStore } from '../../src/model/store.js';
import { ByteSpool } from '../../src/model/store-spool.js';
import { callRecords, callRows, loadStore, SAMPLES } from './load-store.js';

const samples = readdirSync(SAMPLES).filter((f) => /\.pcap(ng)?$/.test(f));

/** The sample through a builder store, shipped to a replica every `every` events (structured-cloned). */
async function replicate(sample: string, every: number): Promise<CaptureStore> {
  const replica = new CaptureStore({ throttleMs: 0 });
  const fd = replica.spool?.descriptor;
  const spool = fd === null || fd === undefined ? null : new ByteSpool(undefined, undefined, fd);
  const builder = new CaptureStore({ throttleMs: 0, builder: true, spool });
  const engine = createEngine({ file: `samples/${sample}`, hpackReports: true }, builder);
  const events = await readCaptureFile(SAMPLES + sample);
  for (let at = 0; at < events.length; at += every) {
    engine.push(events.slice(at, at + every));
    replica.receive(structuredClone(builder.ship()));
  }
  engine.finish();
  replica.receive(structuredClone(builder.ship()));
  replica.setLoad({ phase: 'done' });
  return replica;
}

function frames(store: CaptureStore): unknown[] {
  return Array.from({ length: store.frames.count }, (_, n) => ({
    rec: store.frames.record(n),
    bytes: Buffer.from(store.frames.frameBytes(n).bytes).toString('hex'),
    table: store.frames.table(n),
    hpack: store.hpack.view(n),
  }));
}

function connections(store: CaptureStore): unknown[] {
  return store.connections.map((e) => ({
    ...e,
    frames: Array.from({ length: e.frames.length }, (_, i) => e.frames.get(i)),
  }));
}

describe('a replica of a builder store (the TUI decode worker)', () => {
  it.each(samples)('%s: the same frames, calls, connections and diagnostics', async (sample) => {
    const direct = await loadStore(sample);
    for (const every of [7, 500]) {
      const replica = await replicate(sample, every);
      expect(frames(replica)).toEqual(frames(direct));
      expect(callRows(replica)).toEqual(callRows(direct));
      expect(callRecords(replica)).toEqual(callRecords(direct));
      expect(connections(replica)).toEqual(connections(direct));
      expect(replica.diagnostics).toEqual(direct.diagnostics);
      expect(replica.severityCounts).toEqual(direct.severityCounts);
      expect([replica.failedCallCount, replica.unknownCallCount]).toEqual([
        direct.failedCallCount,
        direct.unknownCallCount,
      ]);
      expect(replica.captureRecord).toEqual(direct.captureRecord);
      replica.close();
    }
    direct.close();
  });
});
