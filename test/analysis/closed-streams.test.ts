/**
 * Closed unlisted streams are packed into columns (StreamTable's ClosedStreams) instead of kept as entry
 * objects: on the frames of every sample, a table that lists no stream (so packs each one at its close)
 * must answer exactly as one that lists them all (so packs none): the changes each frame makes, every
 * stream's entry in the same order, the streams never opened, and GOAWAY refusals marked afterwards.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { StreamTable, type StreamChange, type StreamEntry } from '../../src/analysis/stream-states.js';
import { readCaptureFile } from '../../src/capture/source.js';
import { Engine } from '../../src/engine/engine.js';
import type { ConnectionObserverFactory, ObservedEvent } from '../../src/engine/observer.js';
import { Frames } from './build.js';

const ALL = 1e9;

/** What a consumer can read of an entry: all but the history and listing, which only listed streams have. */
function view(e: StreamEntry): Omit<StreamEntry, 'states' | 'listed'> {
  const { states: _states, listed: _listed, ...rest } = e;
  return rest;
}

function changeView(c: StreamChange | null): unknown {
  return c === null ? null : { ...c, entry: view(c.entry) };
}

interface Pair {
  full: StreamTable;
  packed: StreamTable;
  frames: number;
}

function feed(pair: Pair, ev: ObservedEvent, sameChanges: boolean): void {
  if (ev.kind !== 'frame' || ev.frame.stream === 0) return;
  pair.frames++;
  const a = pair.full.onFrame(ev.frame, ev.fields);
  const b = pair.packed.onFrame(ev.frame, ev.fields);
  if (sameChanges) expect(changeView(b)).toEqual(changeView(a));
}

/**
 * Every connection's frames on a table listing all its streams and on `packed()`; `sameChanges`: each frame
 * must change both alike (not past a cap, where forgotten streams silence some violations).
 */
async function tables(file: string, packed: () => StreamTable, sameChanges: boolean): Promise<Pair[]> {
  const pairs: Pair[] = [];
  const observer: ConnectionObserverFactory = () => {
    const pair = { full: new StreamTable(ALL, ALL), packed: packed(), frames: 0 };
    pairs.push(pair);
    return {
      event(ev) {
        feed(pair, ev, sameChanges);
        return [];
      },
      end: () => ({ outputs: [] }),
      snapshot: () => undefined,
    };
  };
  const none = () => undefined;
  const sink = { connection: none, frame: none, diagnostic: none, call: none, capture: none };
  const engine = new Engine({ file, observers: [observer] }, sink);
  engine.push(await readCaptureFile(file));
  engine.finish();
  return pairs;
}

function expectSame(p: Pair): void {
  const full = [...p.full.all()];
  expect([...p.packed.all()].map(view)).toEqual(full.map(view));
  for (const e of full) {
    expect(view(p.packed.get(e.id)!)).toEqual(view(e));
    for (const side of ['client', 'server'] as const)
      expect(p.packed.lastSentBy(e.id, side)).toBe(p.full.lastSentBy(e.id, side));
  }
  expect(p.packed.unopened()).toEqual(p.full.unopened());
  expect(p.packed.openedCount).toBe(p.full.openedCount);
}

const samples = readdirSync('samples').filter((f) => /\.(pcap|pcapng|pcap\.gz)$/.test(f));

describe('closed unlisted streams, packed', () => {
  it('answer as entry objects on every sample, GOAWAY refusals included', async () => {
    let streams = 0;
    let packedFrames = 0;
    for (const name of samples) {
      for (const p of await tables(`samples/${name}`, () => new StreamTable(0, ALL), true)) {
        expectSame(p);
        const ids = [...p.full.all()].map((e) => e.id);
        streams += ids.length;
        packedFrames += p.frames;
        // A GOAWAY refusal marks streams after their close too (goaway.ts finish()): every other one here.
        for (const id of ids.filter((_, i) => i % 2 === 0)) {
          p.full.refuseByGoaway(id, 'server', 1, 0);
          p.packed.refuseByGoaway(id, 'server', 1, 0);
        }
        expectSame(p);
      }
    }
    // The samples do exercise it: thousands of streams (the rapid-reset and flood captures).
    expect(streams).toBeGreaterThan(1000);
    expect(packedFrames).toBeGreaterThan(streams);
  });

  it('forgets the oldest closed streams past the cap, as before: the tracked ones keep their values', async () => {
    const pairs = await tables('samples/abuse-rapid-reset-grpc-js.pcap', () => new StreamTable(0, 50), false);
    let forgotten = 0;
    for (const { full, packed: b } of pairs) {
      const kept = [...b.all()];
      expect(kept.length).toBeLessThanOrEqual(51);
      const byId = new Map([...full.all()].map((e) => [e.id, e]));
      for (const e of kept) expect(view(e)).toEqual(view(byId.get(e.id)!));
      // Only closed streams are forgotten: every stream still open is kept.
      for (const e of byId.values()) if (e.closed === null) expect(b.get(e.id)).toBeDefined();
      forgotten += byId.size - kept.length;
    }
    expect(forgotten).toBeGreaterThan(0);
  });

  it('keep what frames after the close change, and request lines past the shared table', () => {
    const f = new Frames().request(1, 0.1).response(1, 0.2).data('server', 1, 0.3, 10, true);
    // Late frames on the closed stream 1: the server's DATA, a client HEADERS, a PUSH_PROMISE for it.
    f.data('server', 1, 0.4, 5)
      .headers('client', 1, 0.5, [['x', 'y']])
      .pushPromise(1, 1, 0.6);
    // Stream 3 reset before it opened (opened null), then opened by a late request.
    f.rst('client', 3, 0.7, 'CANCEL')
      .request(3, 0.8)
      .data('client', 5, 0.85, 1)
      .rst('server', 5, 0.86, 'REFUSED_STREAM');
    // More distinct paths than the packed table shares: the rest are kept per stream.
    for (let i = 0; i < 400; i++) f.request(7 + 2 * i, 1 + i, `/scan/${i}`).response(7 + 2 * i, 1 + i, true);
    const pair = { full: new StreamTable(ALL, ALL), packed: new StreamTable(0, ALL), frames: 0 };
    for (const ev of f.events) feed(pair, ev, true);
    expectSame(pair);
    expect(pair.packed.get(1)!.lastSent.server).toBe(0.4);
    expect(pair.packed.get(3)!.opened).toBe(0.8);
    expect(pair.packed.get(5)!.refused).toBe('rst-stream');
    expect(pair.packed.get(7 + 2 * 399)!.request).toBe('POST /scan/399');
  });
});
