/**
 * The analysis state kept in compact form (flat number arrays, fields instead of per-frame objects, sides
 * made on first use) gives the same values as the object-per-point form it replaced: checked here on
 * hand-built sequences whose results are worked out in the comments.
 */
import { describe, expect, it } from 'vitest';
import { FlowWindow } from '../../src/analysis/flow-window.js';
import { PingTracker } from '../../src/analysis/pings.js';
import { Series } from '../../src/analysis/series.js';
import type { FrameRecord, Role, SeriesPoint } from '../../src/records/records.js';

/** The halving as first written, one [time, value] pair per point: the reference for the flat Series. */
function referenceSeries(cap: number, keep: 'min' | 'max', values: number[]): SeriesPoint[] {
  let points: SeriesPoint[] = [];
  values.forEach((v, t) => {
    points.push([t, v]);
    if (points.length <= cap) return;
    const out: SeriesPoint[] = [];
    for (let i = 0; i < points.length; i += 2) {
      const a = points[i]!;
      const b = points[i + 1];
      const better = b === undefined || (keep === 'min' ? a[1] <= b[1] : a[1] >= b[1]);
      out.push(better ? a : b!);
    }
    points = out;
  });
  return points;
}

describe('Series (flat storage)', () => {
  it('halves as the pair-per-point form did, over many halvings, ties included', () => {
    // A fixed pseudo-random sequence (LCG, Numerical Recipes constants) with values 0..9, so ties occur.
    let x = 12345;
    const values: number[] = [];
    for (let i = 0; i < 1000; i++) {
      x = (x * 1664525 + 1013904223) % 2 ** 32;
      values.push(x % 10);
    }
    for (const [cap, keep] of [
      [7, 'min'],
      [8, 'max'],
      [64, 'min'],
      [512, 'max'],
    ] as const) {
      const s = new Series(cap, keep);
      values.forEach((v, t) => s.add(t, v));
      expect(s.toJSON()).toEqual(referenceSeries(cap, keep, values));
      expect(s.decimated).toBe(values.length > cap);
    }
  });

  it('is not decimated under its cap, and gives fresh pairs', () => {
    const s = new Series(4, 'min');
    s.add(1.5, 10);
    s.add(1.5, -3);
    expect(s.toJSON()).toEqual([
      [1.5, 10],
      [1.5, -3],
    ]);
    expect(s.toJSON()).not.toBe(s.toJSON());
    expect(s.decimated).toBe(false);
  });
});

describe('FlowWindow waits (fields instead of a wait object per DATA)', () => {
  it('finds the first raise big enough since the last DATA, else the last raise', () => {
    const w = new FlowWindow(100, 0, 64);
    w.consume(90, 1); // left 10 at t=1
    w.adjust(5, 2); // 15
    w.adjust(50, 3); // 65
    w.adjust(-20, 4); // 45: a SETTINGS decrease is not a raise
    expect(w.waitedFor(5)).toBeNull(); // 10 left was enough
    expect(w.waitedFor(12)).toEqual({ since: 1, left: 10, raisedAt: 2 });
    expect(w.waitedFor(60)).toEqual({ since: 1, left: 10, raisedAt: 3 });
    expect(w.waitedFor(1000)).toEqual({ since: 1, left: 10, raisedAt: 3 });
    expect(w.waitedFor(0)).toBeNull();
    w.consume(45, 5); // left 0 at t=5, raises forgotten
    expect(w.waitedFor(1)).toBeNull();
    w.adjust(7, 6);
    expect(w.waitedFor(1)).toEqual({ since: 5, left: 0, raisedAt: 6 });
    expect(w.record()).toMatchObject({ initial: 100, final: 7, min: 0, minTime: 5 });
  });

  it('keeps 32 raises per wait, the newest replacing the last kept', () => {
    const w = new FlowWindow(0, 0, 64);
    w.consume(0, 1); // left 0 at t=1
    for (let t = 2; t <= 41; t++) w.adjust(1, t); // 40 raises: values 1..40 at t = 2..41
    // Kept: values 1..31 at t = 2..32, then the last slot holds the newest (40 at t=41).
    expect(w.waitedFor(31)?.raisedAt).toBe(32);
    expect(w.waitedFor(32)?.raisedAt).toBe(41);
    expect(w.waitedFor(100)?.raisedAt).toBe(41);
  });
});

function ping(from: Role, time: number, opaque: string, ack: boolean, index: number): FrameRecord {
  const flags = ack ? ['ACK'] : [];
  return {
    connection: 'c1',
    index,
    time,
    packet: index,
    from,
    type: 'PING',
    stream: 0,
    length: 8,
    flags,
    flagBits: ack ? 1 : 0,
    opaque,
    ack,
  } as FrameRecord;
}

describe('PingTracker (sides made at the first PING)', () => {
  it('ignores an ACK for a side that sent no PING, and matches the others', () => {
    const p = new PingTracker(10);
    p.onPing(ping('server', 1, '0000000000000001', true, 0), 0, 0); // stray ACK: the client sent nothing
    p.onPing(ping('server', 2, '00000000000000ff', false, 1), 0, 0);
    p.onPing(ping('client', 2.0125, '00000000000000ff', true, 2), 0, 0);
    const r = p.record(10, 1000);
    expect(r.client).toEqual({
      sent: 0,
      acked: 0,
      unanswered: 0,
      rttMs: null,
      intervalMs: { active: null, idle: null },
      list: [],
    });
    expect(r.server).toMatchObject({ sent: 1, acked: 1, unanswered: 0 });
    expect(r.server.rttMs).toEqual({ min: 12.5, median: 12.5, max: 12.5 });
    expect(p.sent('client')).toBe(0);
    expect(p.idlePings('client')).toEqual([]);
    expect(p.idlePings('server')).toEqual([2]);
  });

  it('keeps exact figures and a bounded list for more PINGs than its caps', () => {
    // 10,050 PINGs a second apart (more than the 10,000 round-trip samples kept), RTTs 1..50 ms; the
    // smallest and largest RTT come last, past the samples; the list holds the first 10.
    const p = new PingTracker(10);
    const n = 10_050;
    for (let i = 0; i < n; i++) {
      const opaque = i.toString(16).padStart(16, '0');
      const rtt = i === n - 2 ? 0.5 : i === n - 1 ? 90 : 1 + (i % 50);
      p.onPing(ping('client', 1000 + i, opaque, false, 2 * i), 0, 0);
      p.onPing(ping('server', 1000 + i + rtt / 1000, opaque, true, 2 * i + 1), 0, 0);
    }
    p.onPing(ping('client', 1000 + n, 'ffffffffffffffff', false, 2 * n), 0, 0); // never answered
    const r = p.record(1000 + n + 100, 1000);
    expect(r.client).toMatchObject({ sent: n + 1, acked: n, unanswered: 1 });
    expect(r.client.rttMs).toEqual({ min: 0.5, median: 25.5, max: 90 });
    expect(r.client.intervalMs).toEqual({ active: null, idle: 1000 });
    expect(r.client.list).toHaveLength(10);
    expect(r.client.list[9]).toMatchObject({ frame: 18, time: 1009, rttMs: 10, activeStreams: 0 });
    expect(p.sent('client')).toBe(n + 1);
    expect(p.idlePings('client')).toHaveLength(10_000);
  });

  it('lists the PINGs still waiting for their ACK in the order sent, one waiting or several', () => {
    const p = new PingTracker(10);
    p.onPing(ping('client', 1, 'a'.repeat(16), false, 0), 0, 0);
    p.onPing(ping('client', 2, 'b'.repeat(16), false, 1), 0, 0);
    p.onPing(ping('client', 3, 'c'.repeat(16), false, 2), 0, 0);
    p.onPing(ping('server', 3.001, 'a'.repeat(16), true, 3), 0, 0); // the oldest answered
    p.onPing(ping('client', 4, 'd'.repeat(16), false, 4), 0, 0);
    p.onPing(ping('client', 5, 'b'.repeat(16), false, 5), 0, 0); // same data as one waiting: takes its place
    p.onPing(ping('server', 5.002, 'c'.repeat(16), true, 6), 0, 0);
    const waiting = p.unanswered('client', 100, 1000).map((q) => [q.frame, q.opaque[0]]);
    expect(waiting).toEqual([
      [5, 'b'],
      [4, 'd'],
    ]);
    expect(p.record(100, 1000).client).toMatchObject({ sent: 5, acked: 2, unanswered: 2 });
  });

  it('lists each PING with every field as sent and ACKed (the list is kept as columns)', () => {
    const p = new PingTracker(10);
    const bad = { ...ping('client', 4, '', false, 4), opaque: undefined }; // a PING not 8 bytes long has none
    p.onPing(ping('client', 1.000001, 'ffffffffffffffff', false, 0), 2, 1);
    p.onPing(ping('server', 1.25, 'ffffffffffffffff', true, 1), 2, 1);
    p.onPing(ping('client', 2, '8000000000000001', false, 2), 0, 1);
    p.onPing(ping('client', 3, '0123456789abcdef', false, 3), 0, 1); // never answered
    p.onPing(bad, 0, 1);
    p.onPing(ping('server', 4.5, '8000000000000001', true, 5), 0, 1);
    p.onPing(ping('server', 4.75, '', true, 6), 0, 1);
    expect(p.record(5, 100_000).client.list).toEqual([
      {
        time: 1.000001,
        frame: 0,
        opaque: 'ffffffffffffffff',
        ackTime: 1.25,
        rttMs: 249.999,
        activeStreams: 2,
      },
      { time: 2, frame: 2, opaque: '8000000000000001', ackTime: 4.5, rttMs: 2500, activeStreams: 0 },
      { time: 3, frame: 3, opaque: '0123456789abcdef', ackTime: null, rttMs: null, activeStreams: 0 },
      { time: 4, frame: 4, opaque: '', ackTime: 4.75, rttMs: 750, activeStreams: 0 },
    ]);
  });
});
