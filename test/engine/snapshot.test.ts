/**
 * Snapshots of open connections (Engine.snapshot(), RecordSink.connectionUpdate, ndjson
 * --snapshot-interval) on the real samples: they add lines and change nothing else, they have the shape of
 * the final record, and their figures grow as the capture goes on.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCaptureFile } from '../../src/capture/source.js';
import type { CaptureEvent } from '../../src/capture/types.js';
import { createEngine } from '../../src/engine/pipeline.js';
import { ndjsonSink } from '../../src/output/ndjson.js';
import type { ConnectionRecord } from '../../src/records/records.js';

const SAMPLES = readdirSync('samples').filter((n) => /\.(pcap|pcapng)(\.gz)?$/.test(n));

/** ndjson of a sample, pushing one packet at a time; `between` runs after each push. */
function ndjson(events: CaptureEvent[], snapshotInterval: number, between?: (e: Engine) => void): string[] {
  let text = '';
  const engine = createEngine(
    { file: 'x', snapshotInterval },
    ndjsonSink((s) => (text += s)),
  );
  for (const ev of events) {
    engine.push([ev]);
    between?.(engine);
  }
  engine.finish();
  return text.split('\n').filter((l) => l !== '');
}
type Engine = ReturnType<typeof createEngine>;

const isSnapshot = (line: string): boolean =>
  line.startsWith('{"type":"connection"') &&
  (JSON.parse(line) as { connection: ConnectionRecord }).connection.open === true;

describe('snapshots of open connections', () => {
  it('only add connection lines marked open, on every sample; asking on demand changes nothing', async () => {
    let snapshots = 0;
    for (const name of SAMPLES) {
      const events = await readCaptureFile(join('samples', name));
      const off = ndjson(events, 0);
      const on = ndjson(events, 0.05);
      const extra = on.filter(isSnapshot);
      snapshots += extra.length;
      expect(
        on.filter((l) => !isSnapshot(l)),
        name,
      ).toEqual(off);
      // Snapshots after every packet (as a TUI asking each second would) leave the records as they were.
      const asked = ndjson(events, 0, (e) => void e.snapshot());
      expect(asked, name).toEqual(off);
    }
    expect(snapshots).toBeGreaterThan(50);
  });

  it("have the final record's fields, with figures as of their time", async () => {
    const events = await readCaptureFile('samples/grpc-keepalive.pcap');
    const lines = ndjson(events, 1).filter((l) => l.startsWith('{"type":"connection"'));
    const recs = lines.map((l) => (JSON.parse(l) as { connection: ConnectionRecord }).connection);
    const final = recs[recs.length - 1]!;
    const open = recs.slice(0, -1);
    expect(final.open).toBeUndefined();
    expect(open.length).toBeGreaterThanOrEqual(4);
    for (const snap of open) {
      expect(snap).toMatchObject({ open: true, endReason: 'open', id: final.id, client: final.client });
      // `closes` comes with the FINs, after the last snapshot.
      const finalKeys = Object.keys(final).filter((k) => k !== 'closes');
      expect(Object.keys(snap).sort()).toEqual([...finalKeys, 'open'].sort());
      expect(snap.end).toBeLessThan(final.end);
    }
    // Each one later, with more frames and more PINGs than the one before (the sample pings every second).
    for (let i = 1; i < open.length; i++) {
      expect(open[i]!.end - open[i - 1]!.end).toBeGreaterThanOrEqual(1);
      expect(open[i]!.frameCount).toBeGreaterThan(open[i - 1]!.frameCount);
      expect(open[i]!.pings!.client.sent).toBeGreaterThan(open[i - 1]!.pings!.client.sent);
    }
    expect(open[open.length - 1]!.pings!.client.rttMs).not.toBeNull();
  });

  it('on demand: the connections open at the last packet, none after the end', async () => {
    const events = await readCaptureFile('samples/grpc-js-streaming.pcap');
    const engine = createEngine(
      { file: 'x' },
      ndjsonSink(() => undefined),
    );
    const half = Math.floor(events.length / 2);
    engine.push(events.slice(0, half));
    const mid = engine.snapshot().filter((c) => c.frameCount > 0);
    expect(mid.length).toBe(1);
    expect(mid[0]).toMatchObject({ open: true, endReason: 'open', protocol: 'h2c', h2Detection: 'preface' });
    expect(mid[0]!.frameCount).toBeGreaterThan(0);
    expect(mid[0]!.flowControl?.client.initialWindow).toBeGreaterThan(0);
    // Taken again without new packets: the same figures.
    expect(engine.snapshot().filter((c) => c.frameCount > 0)).toEqual(mid);
    engine.push(events.slice(half));
    engine.finish();
    expect(engine.snapshot()).toEqual([]);
  });
});
