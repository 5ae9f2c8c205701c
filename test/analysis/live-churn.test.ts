/**
 * Churn, bursts and refused connections raised while the capture goes on (src/analysis/live-churn.ts,
 * live-bursts.ts, CaptureAnalyzer.due): a live pipe or a capture of hours gets them when the evidence is
 * there, not when the input ends; a capture shorter than the live window (60 s) keeps its end-of-capture
 * answers (the samples' goldens check that, and capture-diagnostics.test.ts the thresholds), and what was
 * raised live is not raised again at the end.
 */
import { describe, expect, it } from 'vitest';
import { CaptureAnalyzer } from '../../src/analysis/capture-analyzer.js';
import type { Diagnostic } from '../../src/diagnostics/types.js';
import type { ConnectionRecord } from '../../src/records/records.js';
import { assertFilled, callRecord, connectionRecord } from './build.js';

const SERVER = '10.0.0.2:50051';

/** Feeds an analyzer in capture order and notes when each diagnostic came out. */
class Feed {
  readonly a = new CaptureAnalyzer();
  readonly live: Array<{ at: number; d: Diagnostic }> = [];
  private n = 0;

  private note(at: number, ds: Diagnostic[] | void): void {
    for (const d of ds ?? []) {
      assertFilled(d);
      this.live.push({ at, d });
    }
  }

  opened(id: number, t: number, client = '10.0.0.1'): void {
    this.note(
      t,
      this.a.opened({ id: `c${id}`, client: `${client}:${40000 + id}`, server: SERVER, protocol: 'h2c' }, t),
    );
  }

  calls(id: number, t: number, n: number): void {
    for (let i = 0; i < n; i++) {
      const call = callRecord({ connection: `c${id}`, stream: 1 + 2 * this.n++, service: 'pkg.Svc' });
      this.note(t, this.a.call({ ...call, start: t, end: t + 0.01 }));
    }
  }

  ended(id: number, start: number, end: number, over: Partial<ConnectionRecord> = {}): void {
    const rec = connectionRecord({
      id: `c${id}`,
      client: `10.0.0.1:${40000 + id}`,
      server: SERVER,
      start,
      end,
      ...over,
    });
    this.note(end, this.a.connection(rec));
  }

  /** A connection that carries `calls` calls at `start` and ends `life` seconds after it opened. */
  connection(id: number, start: number, life: number, calls: number): void {
    this.opened(id, start);
    this.calls(id, start + life / 2, calls);
    this.ended(id, start, start + life);
  }

  finish(): Diagnostic[] {
    const end = this.a.finish();
    end.forEach(assertFilled);
    return end;
  }
}

describe('connection-per-call churn over a sliding window', () => {
  it('raised within a window of the change, although the capture so far is mostly reused connections', () => {
    const f = new Feed();
    let id = 1;
    // Ten minutes of connections reused for three calls each, one ending every 3 s, then one call each.
    for (let t = 0; t < 600; t += 3) f.connection(id++, t, 2, 3);
    for (let t = 600; t < 1200; t += 1) f.connection(id++, t, 0.5, 1);
    const churn = f.live.filter((x) => x.d.code === 'analysis.churn.connection-per-call');
    expect(churn).toHaveLength(1);
    expect(churn[0]!.at).toBeGreaterThan(600);
    expect(churn[0]!.at).toBeLessThan(660);
    const ev = churn[0]!.d.evidence!;
    expect(ev).toMatchObject({ windowMs: 60_000, client: '10.0.0.1', server: SERVER, medianMs: 500 });
    // Counted over the window only: the 200 reused connections before it are not in it.
    expect(Number(ev['connections'])).toBeLessThan(70);
    expect(Number(ev['single'])).toBeGreaterThanOrEqual(0.8 * Number(ev['connections']));
    expect((ev['connectionIds'] as string[]).length).toBe(ev['connections']);
    // The since-start counters (200 reused, 600 single: 75%) never showed it; nor does the end repeat it.
    expect(f.finish().filter((d) => d.code === 'analysis.churn.connection-per-call')).toEqual([]);
  });

  it('quiet while the connections are reused, however long', () => {
    const f = new Feed();
    for (let i = 0; i < 400; i++) f.connection(i + 1, i * 3, 2, 3);
    expect(f.live).toEqual([]);
    expect(f.finish()).toEqual([]);
  });

  it('a capture shorter than a window: raised by the since-start rule, without a window, as before', () => {
    const f = new Feed();
    for (let i = 0; i < 6; i++) f.connection(i + 1, i * 5, 0.5, 1);
    expect(f.live.map((x) => [x.at, x.d.code, x.d.evidence?.['connections']])).toEqual([
      [20.5, 'analysis.churn.connection-per-call', 5],
    ]);
    expect(f.live[0]!.d.evidence?.['windowMs']).toBeUndefined();
  });
});

describe('connection bursts while the capture goes on', () => {
  /**
   * A channel (from another host) that makes a call every second up to `seconds`, and a burst of `n` at
   * `at` that each make two calls (not connection-per-call); with `life`, each closes that long after it opened.
   */
  function burst(at: number, n: number, seconds: number, life?: number): Feed {
    const f = new Feed();
    f.opened(100, 0, '10.0.0.9');
    for (let t = 0; t < seconds; t++) {
      if (t === at)
        for (let i = 0; i < n; i++) {
          f.opened(i + 1, at + i * 0.01);
          f.calls(i + 1, at + i * 0.01, 2);
        }
      if (life !== undefined && t === at + life)
        for (let i = 0; i < n; i++) f.ended(i + 1, at + i * 0.01, at + life + i * 0.01);
      f.calls(100, t + 0.5, 1);
    }
    return f;
  }

  it('a storm of short-lived connections: raised as soon as half of them closed, once', () => {
    const f = burst(90, 8, 200, 2);
    expect(f.live.map((x) => [x.at, x.d.code, x.d.connection, x.d.evidence?.['connections']])).toEqual([
      [92.03, 'analysis.churn.burst', 'c1', 8],
    ]);
    expect(f.live[0]!.d.evidence).toMatchObject({ windowMs: 70, short: 4, reconnected: 0 });
    f.ended(100, 0, 200, { client: '10.0.0.9:40100' });
    expect(f.finish().filter((d) => d.code === 'analysis.churn.burst')).toEqual([]);
  });

  it('a channel pool opening together and staying: never raised, live or at the end', () => {
    const f = burst(90, 8, 200);
    expect(f.live).toEqual([]);
    for (let i = 1; i <= 8; i++) f.ended(i, 90 + i * 0.01, 200);
    f.ended(100, 0, 200, { client: '10.0.0.9:40100' });
    expect(f.finish()).toEqual([]);
  });

  it('a reconnect wave: the pool opened again right after its connections closed', () => {
    const f = burst(999, 0, 0);
    for (let i = 1; i <= 8; i++) f.opened(i, i * 2);
    for (let t = 0; t < 200; t++) {
      if (t === 120) {
        for (let i = 1; i <= 8; i++) f.ended(i, i * 2, 120 + i * 0.001);
        for (let i = 11; i <= 18; i++) f.opened(i, 120.2 + i * 0.01);
      }
      f.calls(100, t + 0.5, 1);
    }
    expect(f.live.map((x) => [x.at, x.d.connection, x.d.evidence?.['reconnected']])).toEqual([
      [121.5, 'c11', 8],
    ]);
  });

  it('a burst in the first minute is raised when the capture reaches a minute', () => {
    const f = burst(10, 9, 100, 2);
    expect(f.live.map((x) => [x.at, x.d.evidence?.['connections']])).toEqual([[60.5, 9]]);
  });

  it('seven is not a burst', () => {
    expect(burst(90, 7, 200, 2).live).toEqual([]);
  });
});

describe('refused connections while the capture goes on', () => {
  const refused: Partial<ConnectionRecord> = {
    packets: { client: 1, server: 1 },
    bytes: { client: 0, server: 0 },
    endReason: 'rst',
    protocol: 'unknown',
    frameCount: 0,
    h2Detection: null,
  };

  it('raised at the first refusal once the capture lasted a window, with its count so far, once', () => {
    const f = new Feed();
    f.opened(100, 0, '10.0.0.9');
    for (let t = 0; t < 300; t++) {
      if (t === 30 || t === 120 || t === 121) f.ended(t, t, t, refused);
      f.calls(100, t + 0.5, 1);
    }
    expect(f.live.map((x) => [x.at, x.d.code, x.d.connection, x.d.evidence?.['count']])).toEqual([
      [60.5, 'analysis.connection.refused', 'c30', 1],
    ]);
    f.ended(100, 0, 300, { client: '10.0.0.9:40100' });
    expect(f.finish()).toEqual([]);
  });
});
