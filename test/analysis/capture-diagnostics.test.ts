/**
 * Whole-capture detectors (churn, bursts, imbalance, refused connections) on hand-built connection and
 * call records, for the cases the samples do not show, and the thresholds around them.
 */
import { describe, expect, it } from 'vitest';
import { CaptureAnalyzer } from '../../src/analysis/capture-analyzer.js';
import { hostOf } from '../../src/analysis/capture-facts.js';
import { Series } from '../../src/analysis/series.js';
import type { ConnectionRecord } from '../../src/records/records.js';
import { assertFilled, callRecord, connectionRecord } from './build.js';

function conn(
  id: number,
  start: number,
  end: number,
  over: Partial<ConnectionRecord> = {},
): ConnectionRecord {
  return connectionRecord({ id: `c${id}`, client: `10.0.0.1:${40000 + id}`, start, end, ...over });
}

function run(conns: ConnectionRecord[], calls: Array<[string, number, string?]> = []) {
  const a = new CaptureAnalyzer();
  for (const [connection, n, service] of calls)
    for (let i = 0; i < n; i++)
      a.call(callRecord({ connection, stream: 1 + 2 * i, service: service ?? 'pkg.Svc' }));
  // Churn is raised when a connection's end completes it, the rest at the end of the capture.
  const early = conns.flatMap((c) => a.connection(c));
  const out = [...early, ...a.finish()];
  out.forEach(assertFilled);
  return out;
}

describe('connection bursts', () => {
  it('eight connections open together, opened within a second', () => {
    const conns = Array.from({ length: 8 }, (_, i) => conn(i + 1, 10 + i * 0.01, 20));
    const d = run(conns);
    expect(
      d.map((x) => [x.code, x.connection, x.evidence?.['connections'], x.evidence?.['windowMs']]),
    ).toEqual([['analysis.churn.burst', 'c1', 8, 70]]);
  });

  /** `n` connections opened 10 ms apart from `at`, each ending at `end` with `calls` calls. */
  function together(n: number, at: number, end: number, calls: number, first = 1, over = {}) {
    const conns = Array.from({ length: n }, (_, i) => conn(first + i, at + i * 0.01, end, over));
    return { conns, calls: conns.map((c): [string, number] => [c.id, calls]) };
  }
  const bursts = (d: ReturnType<typeof run>) =>
    d
      .filter((x) => x.code === 'analysis.churn.burst')
      .map((x) => [
        x.connection,
        x.evidence?.['connections'],
        x.evidence?.['short'],
        x.evidence?.['reconnected'],
      ]);

  it('eight young connections of at most three calls each: a storm, with how many were short-lived', () => {
    const p = together(8, 10, 12, 3);
    expect(bursts(run(p.conns, p.calls))).toEqual([['c1', 8, 8, 0]]);
  });

  it('not a channel pool: eight connections opened together that then stay and carry the calls', () => {
    const p = together(8, 10, 400, 500);
    expect(run(p.conns, p.calls)).toEqual([]);
  });

  it('not a pool of a short program either: young connections that carried many calls each', () => {
    const p = together(8, 10, 10.4, 25);
    expect(run(p.conns, p.calls)).toEqual([]);
  });

  it('not connections cut by the end of the capture: their end is not a close', () => {
    const p = together(8, 10, 12, 0, 1, { endReason: 'capture-end' });
    expect(run(p.conns, p.calls)).toEqual([]);
  });

  it('a reconnect wave: a pool opened again right after its connections closed (a restart)', () => {
    // The first pool opened one by one (no burst), closed at 100 by the server's restart.
    const old = Array.from({ length: 8 }, (_, i) => conn(i + 1, i * 2, 100));
    const again = together(8, 100.2, 400, 500, 9);
    expect(bursts(run([...old, ...again.conns], again.calls))).toEqual([['c9', 8, 0, 8]]);
  });

  it('a hundred connections at once are more than a pool, however long they live', () => {
    const p = together(100, 10, 400, 500);
    expect(bursts(run(p.conns, p.calls))).toEqual([['c1', 100, 0, 0]]);
  });

  it('not for eight connections one after the other', () => {
    const conns = Array.from({ length: 8 }, (_, i) => conn(i + 1, 10 + i * 0.1, 10.05 + i * 0.1));
    expect(run(conns).map((x) => x.code)).toEqual([]);
  });
});

describe('connection per call', () => {
  it('not when the connections carried no call at all (failed handshakes are not churn)', () => {
    const conns = Array.from({ length: 6 }, (_, i) => conn(i + 1, i, i + 0.5, { frameCount: 1 }));
    expect(run(conns)).toEqual([]);
  });

  it('not when the connections are reused for several calls', () => {
    const conns = Array.from({ length: 6 }, (_, i) => conn(i + 1, i, i + 0.5));
    const calls = conns.map((c): [string, number] => [c.id, 3]);
    expect(run(conns, calls)).toEqual([]);
  });
});

describe('load imbalance', () => {
  it('calls pinned to one of several connections to one address', () => {
    const conns = [1, 2, 3].map((i) => conn(i, 0, 10));
    const d = run(conns, [
      ['c1', 30],
      ['c3', 1],
    ]);
    expect(d.map((x) => [x.code, x.connection])).toEqual([['analysis.imbalance.pinned', 'c1']]);
    expect(d[0]!.evidence).toMatchObject({
      service: 'pkg.Svc',
      server: '10.0.0.2:50051',
      connections: 3,
      busiest: 'c1',
      share: 97,
      calls: 31,
      shares: 'c1 30 (97%), c3 1 (3%), c2 0 (0%)',
      ratio: 'infinite',
    });
  });

  it('not for connections that did not overlap (a reconnect), nor for a mild 6/4 split', () => {
    const sequential = [conn(1, 0, 10), conn(2, 11, 20)];
    expect(run(sequential, [['c1', 30]])).toEqual([]);
    const a = conn(1, 0, 10, { server: '10.0.0.2:1' });
    const b = conn(2, 0, 10, { server: '10.0.0.3:1' });
    expect(
      run(
        [a, b],
        [
          ['c1', 6],
          ['c2', 4],
        ],
      ),
    ).toEqual([]);
  });
});

describe('refused connections', () => {
  it('groups the refusals of one client and server into one diagnostic', () => {
    const refused = {
      packets: { client: 1, server: 1 },
      bytes: { client: 0, server: 0 },
      endReason: 'rst' as const,
    };
    const conns = [1, 2, 3].map((i) =>
      conn(i, i, i, { ...refused, protocol: 'unknown', frameCount: 0, h2Detection: null }),
    );
    const d = run(conns);
    expect(
      d.map((x) => [x.code, x.connection, x.evidence?.['count'], x.evidence?.['connectionIds']]),
    ).toEqual([['analysis.connection.refused', 'c1', 3, ['c1', 'c2', 'c3']]]);
    expect(d[0]!.message).not.toContain('GOAWAY');
  });
});

describe('helpers', () => {
  it('hostOf strips the port, IPv6 brackets included', () => {
    expect([hostOf('10.0.0.1:5000'), hostOf('[::1]:50051'), hostOf('[2001:db8::1]:80')]).toEqual([
      '10.0.0.1',
      '::1',
      '2001:db8::1',
    ]);
  });

  it('Series halves keeping the lower (or higher) point of each pair, so extremes survive', () => {
    const low = new Series(4, 'min');
    for (const [t, v] of [
      [1, 50],
      [2, 0],
      [3, 40],
      [4, 30],
      [5, 60],
    ] as const)
      low.add(t, v);
    // 5 points > 4: pairs (1,50)(2,0) -> (2,0); (3,40)(4,30) -> (4,30); (5,60) alone.
    expect([low.toJSON(), low.decimated]).toEqual([
      [
        [2, 0],
        [4, 30],
        [5, 60],
      ],
      true,
    ]);
    const high = new Series(2, 'max');
    for (const [t, v] of [
      [1, 1],
      [2, 3],
      [3, 2],
    ] as const)
      high.add(t, v);
    expect(high.toJSON()).toEqual([
      [2, 3],
      [3, 2],
    ]);
  });
});
