/**
 * The whole-capture analysis keeps counters per (client host, server endpoint) and per (service, server),
 * and at most `captureMaxConnections` connection summaries: its memory does not grow with the capture.
 * Past the caps the counts stay exact where they are counters and the diagnostics say they are approximate.
 */
import { describe, expect, it } from 'vitest';
import { CaptureAnalyzer } from '../../src/analysis/capture-analyzer.js';
import type { AnalysisOptions } from '../../src/analysis/options.js';
import type { ConnectionRecord } from '../../src/records/records.js';
import { assertFilled, callRecord, connectionRecord } from './build.js';

function conn(id: number, start: number, end: number, over: Partial<ConnectionRecord> = {}) {
  return connectionRecord({ id: `c${id}`, client: `10.0.0.1:${40000 + id}`, start, end, ...over });
}

function run(
  opts: Partial<AnalysisOptions>,
  conns: ConnectionRecord[],
  calls: Array<[string, number, string?]> = [],
) {
  const a = new CaptureAnalyzer(opts);
  for (const [connection, n, service] of calls)
    for (let i = 0; i < n; i++)
      a.call(callRecord({ connection, stream: 1 + 2 * i, service: service ?? 'pkg.Svc' }));
  // Churn is raised when a connection's end completes it, the rest at the end of the capture.
  const early = conns.flatMap((c) => a.connection(c));
  const out = [...early, ...a.finish()];
  out.forEach(assertFilled);
  return out;
}

/** Ten one-call connections, one after the other (no burst), ended in reverse order of their start. */
const churn = Array.from({ length: 10 }, (_, i) => conn(10 - i, 10 - i, 10.5 - i));
const churnCalls = churn.map((c): [string, number] => [c.id, 1]);

describe('whole-capture analysis past its caps', () => {
  it('counts every connection of a churning pair but lists only the kept ones, marked approximate', () => {
    // churnMinConnections 10: the churn is complete when the tenth connection ends (raised then, before
    // the end of the capture says what became approximate).
    const d = run({ captureMaxConnections: 3, churnMinConnections: 10 }, churn, churnCalls);
    expect(d.map((x) => x.code)).toEqual([
      'analysis.churn.connection-per-call',
      'analysis.capture.approximate',
    ]);
    expect(d[1]!.evidence).toEqual({
      connections: 10,
      kept: 3,
      maxConnections: 3,
      maxKeys: 10_000,
      uncounted: 0,
    });
    const e = d[0]!.evidence!;
    // Counters are exact: ten connections from 1 s to 10.5 s; the kept three are the first to end.
    expect([d[0]!.connection, e['connections'], e['single'], e['calls'], e['spanMs']]).toEqual([
      'c1',
      10,
      10,
      10,
      9500,
    ]);
    expect([e['connectionIds'], e['approximate']]).toEqual([['c8', 'c9', 'c10'], true]);
  });

  it('gives the same diagnostic as without caps when nothing was dropped', () => {
    const d = run(
      { captureMaxConnections: 10, captureMaxKeys: 1, churnMinConnections: 10 },
      churn,
      churnCalls,
    );
    expect(d.map((x) => x.code)).toEqual(['analysis.churn.connection-per-call']);
    expect(d[0]!.evidence?.['connectionIds']).toEqual(churn.map((c) => c.id).reverse());
    expect(d[0]!.evidence?.['approximate']).toBeUndefined();
    expect(d[0]!.evidence?.['medianMs']).toBe(500);
  });

  it('does not count client/server pairs past captureMaxKeys', () => {
    const other = Array.from({ length: 10 }, (_, i) =>
      conn(20 + i, 20 + i, 20.5 + i, { client: `10.0.0.2:${i}` }),
    );
    const calls = [...churnCalls, ...other.map((c): [string, number] => [c.id, 1])];
    const d = run({ captureMaxKeys: 1, churnMinConnections: 10 }, [...churn, ...other], calls);
    expect(d.map((x) => [x.code, x.evidence?.['client']])).toEqual([
      ['analysis.churn.connection-per-call', '10.0.0.1'],
      ['analysis.capture.approximate', undefined],
    ]);
    // The second pair's ten connections and their service entries (one per connection) were not counted.
    expect(d[1]!.evidence?.['uncounted']).toBe(10);
  });

  it('points endpoint imbalance at the busiest connection, the earliest on a tie, from counters', () => {
    const conns = [
      conn(1, 0, 10, { server: '10.0.0.2:1' }),
      conn(2, 0, 10, { server: '10.0.0.2:1' }),
      conn(3, 1, 10, { server: '10.0.0.3:1' }),
    ];
    const d = run({ captureMaxConnections: 1 }, conns, [
      ['c2', 6],
      ['c1', 6],
      ['c3', 1],
    ]);
    const imb = d.find((x) => x.code === 'analysis.imbalance.endpoints')!;
    expect([imb.connection, imb.evidence?.['shares'], imb.evidence?.['ratio']]).toEqual([
      'c1',
      '10.0.0.2:1 12 (92%), 10.0.0.3:1 1 (8%)',
      12,
    ]);
  });
});
