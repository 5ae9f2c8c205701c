/**
 * Property-style tests: a byte stream cut into random segments (two different cuttings, so retransmissions
 * overlap partially), shuffled and partly duplicated with a seeded PRNG, must come out exactly.
 */
import { describe, expect, it } from 'vitest';
import type { TcpSegment } from '../../src/net/types.js';
import { FlowTable } from '../../src/tcp/flow-table.js';
import type { TcpEvent } from '../../src/tcp/types.js';
import { Wire, dataEvents, endOf, prng } from './builder.js';

type Rand = () => number;

function randomBytes(rand: Rand, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(rand() * 256);
  return b;
}

/** [offset, length] pieces covering [0, n), each 1..maxLen bytes. */
function cut(rand: Rand, n: number, maxLen: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let off = 0; off < n;) {
    const len = Math.min(n - off, 1 + Math.floor(rand() * maxLen));
    out.push([off, len]);
    off += len;
  }
  return out;
}

function shuffle<T>(rand: Rand, xs: T[]): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [xs[i], xs[j]] = [xs[j] as T, xs[i] as T];
  }
  return xs;
}

interface Scenario {
  seed: number;
  isn: number;
  size: number;
  /** Fraction of pieces of the first cutting that are never captured (in any cutting). */
  dropRate?: number;
  maxBuffered?: number;
}

/**
 * The segments of one direction: two cuttings of the stream (so retransmissions overlap partially), some
 * duplicated, pieces holding a dropped byte left out, and the FIN, all shuffled.
 */
function segments(w: Wire, rand: Rand, stream: Buffer, s: Scenario): TcpSegment[] {
  const pieces = [...cut(rand, stream.length, 200), ...cut(rand, stream.length, 700)];
  const dropped: number[] = [];
  if (s.dropRate)
    for (const [off] of cut(rand, stream.length, 300)) if (rand() < s.dropRate) dropped.push(off);
  const kept = pieces.filter(([off, len]) => !dropped.some((d) => d >= off && d < off + len));
  const dups = kept.filter(() => rand() < 0.2);
  const base = (s.isn + 1) >>> 0;
  const segs = [...kept, ...dups].map(([off, len]) =>
    w.c2s({ seq: base + off, flags: 'P', data: stream.subarray(off, off + len) }),
  );
  segs.push(w.c2s({ seq: base + stream.length, flags: 'F' }));
  return shuffle(rand, segs);
}

function runScenario(s: Scenario): { stream: Buffer; events: TcpEvent[] } {
  const rand = prng(s.seed);
  const w = new Wire();
  const stream = randomBytes(rand, s.size);
  const table = new FlowTable({ maxBufferedBytesPerDirection: s.maxBuffered });
  const events = [...table.push(w.c2s({ seq: s.isn, flags: 'S' }))];
  for (const seg of segments(w, rand, stream, s)) events.push(...table.push(seg));
  events.push(...table.finish());
  return { stream, events };
}

/** Every chunk holds the original bytes at its offset, and offsets advance by length plus gap. */
function checkChunks(stream: Buffer, events: TcpEvent[]): { delivered: number; lost: number } {
  let next = 0;
  let delivered = 0;
  let lost = 0;
  for (const e of dataEvents(events, 0)) {
    expect(e.gapBefore).toBeGreaterThanOrEqual(0);
    expect(e.offset).toBe(next + e.gapBefore);
    expect(e.data.equals(stream.subarray(e.offset, e.offset + e.data.length))).toBe(true);
    lost += e.gapBefore;
    delivered += e.data.length;
    next = e.offset + e.data.length;
  }
  return { delivered, lost };
}

describe('reassembly properties (seeded)', () => {
  const seeds = [1, 2, 3, 42, 1234];

  it.each(seeds)('shuffled, duplicated, re-cut segments come out exactly (seed %i)', (seed) => {
    const { stream, events } = runScenario({ seed, isn: 0x12345678, size: 20000 });
    const got = Buffer.concat(dataEvents(events, 0).map((e) => e.data));
    expect(got.equals(stream)).toBe(true);
    expect(dataEvents(events, 0).every((e) => e.gapBefore === 0)).toBe(true);
    const fins = events.filter((e) => e.kind === 'fin');
    expect(fins.length).toBe(1);
    expect(events.indexOf(fins[0] as TcpEvent)).toBeGreaterThan(
      events.lastIndexOf(dataEvents(events, 0).at(-1) as TcpEvent),
    );
    expect(endOf(events).stats).toMatchObject({ bytes: [20000, 0], lostBytes: [0, 0] });
  });

  it.each(seeds)('the same across the 2^32 wrap (seed %i, ISN 0xFFFFFFF0)', (seed) => {
    const { stream, events } = runScenario({ seed, isn: 0xfffffff0, size: 20000 });
    expect(Buffer.concat(dataEvents(events, 0).map((e) => e.data)).equals(stream)).toBe(true);
  });

  it.each(seeds)(
    'with lost segments and a small buffer: chunks stay true, bytes + gaps add up (seed %i)',
    (seed) => {
      const { stream, events } = runScenario({
        seed,
        isn: 0xffff0000,
        size: 30000,
        dropRate: 0.1,
        maxBuffered: 2000,
      });
      const { delivered, lost } = checkChunks(stream, events);
      const { stats } = endOf(events);
      expect(stats.bytes[0]).toBe(delivered);
      expect(stats.lostBytes[0]).toBe(lost);
      expect(delivered + lost).toBe(stream.length); // the FIN marks the end, so every hole was settled
      expect(lost).toBeGreaterThan(0);
    },
  );
});
