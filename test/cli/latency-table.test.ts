/**
 * The --summary "Where the time went" table's last column and the table's millisecond format: values a
 * user reads, so each wording is checked on hand-built calls.
 */
import { describe, expect, it } from 'vitest';
import { LatencyByMethod } from '../../src/output/latency-stats.js';
import { formatMs } from '../../src/output/table.js';
import type { CallRecord } from '../../src/records/call.js';
import { callRecord } from '../analysis/build.js';

function call(durationMs: number, requestMs: number, serverMs: number): CallRecord {
  const rest = durationMs - requestMs - serverMs;
  return callRecord({
    method: '/pkg.Svc/Get',
    durationMs,
    latency: {
      requestMs,
      serverMs,
      responseMs: rest,
      clientFlowWaitMs: 0,
      serverFlowWaitMs: 0,
      retransmissionMs: 0,
      unaccountedMs: 0,
    } as CallRecord['latency'],
  });
}

describe('formatMs', () => {
  it('keeps three digits below 1,000 s and whole seconds from there (never an exponent)', () => {
    expect([formatMs(4.656), formatMs(245.729), formatMs(8170), formatMs(999_400)]).toEqual([
      '4.66ms',
      '246ms',
      '8.17s',
      '999s',
    ]);
    expect([formatMs(1_330_000), formatMs(86_400_000)]).toEqual(['1330s', '86400s']);
  });
});

describe('the calls at p99: which component dominates', () => {
  it('one slow call is told in milliseconds', () => {
    const t = new LatencyByMethod();
    for (let i = 0; i < 5; i++) t.add(call(2, 1, 0.5));
    t.add(call(8.29, 1, 4.66));
    expect(t.lines(10)[2]).toMatch(/server 4\.66ms of 8\.29ms$/);
  });

  it('several slow calls are told as a share of their time, not as a sum no one waited', () => {
    const t = new LatencyByMethod();
    for (let i = 0; i < 300; i++) t.add(i < 290 ? call(10, 1, 5) : call(1000 + i, 800, 50));
    const line = t.lines(10)[2]!;
    // The four calls at or above p99 (interpolated): 800 ms of ~1,297 ms each.
    expect(line).toMatch(/request 62% of 4 calls' time$/);
    expect(line).not.toMatch(/e\+/);
  });
});
