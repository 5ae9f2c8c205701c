/**
 * The bounded series behind the summary's percentiles (src/model/value-series.ts): the histogram's stated
 * error bound, the fold past the cap (memory held by the spread of the values, not their number), and
 * --summary's `~` marking on a real sample when a test lowers the cap.
 */
import { describe, expect, it } from 'vitest';
import { CallStatsByMethod, latency, percentile, type CallFacts } from '../../src/model/call-stats.js';
import { LogHistogram, RowSeries, SKETCH_RELATIVE_ERROR } from '../../src/model/value-series.js';
import { summaryOf } from '../tui/load-store.js';

/** Deterministic values over six decades (a fixed LCG: the same numbers on every run). */
function values(n: number): number[] {
  let x = 12345;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    out.push(0.001 * 10 ** (6 * (x / 2 ** 31)));
  }
  return out;
}

const PS = [1, 10, 25, 50, 75, 90, 99, 99.9, 100];

describe('LogHistogram', () => {
  it('reads every percentile within its stated relative error of the exact nearest-rank value', () => {
    for (const n of [1, 7, 1000, 50_000]) {
      const v = values(n);
      const h = new LogHistogram(0);
      for (const x of v) h.add(x, []);
      const sorted = Float64Array.from(v).sort();
      for (const p of PS) {
        const exact = percentile(sorted, p)!;
        expect(Math.abs(h.percentile(p)! - exact)).toBeLessThanOrEqual(
          SKETCH_RELATIVE_ERROR * exact * 1.000001,
        );
      }
    }
  });

  it('holds 0 (and values under 1 ns) as 0, and is empty without values', () => {
    const h = new LogHistogram(0);
    expect(h.percentile(50)).toBeNull();
    for (const x of [0, 0, 0, 5]) h.add(x, []);
    expect([h.percentile(50), h.percentile(75)]).toEqual([0, 0]);
    expect(Math.abs(h.percentile(100)! - 5)).toBeLessThanOrEqual(5 * SKETCH_RELATIVE_ERROR);
  });

  it('sums the rows of the buckets from a percentile up', () => {
    const h = new LogHistogram(2);
    for (let i = 1; i <= 100; i++) h.add(i, [i, 1]);
    const s = h.sumsFrom(99);
    // The 99th value's bucket, about 2% wide, also holds 98: with 100, three calls and 297 ms.
    expect([...s]).toEqual([3, 297, 3]);
  });
});

describe('RowSeries past its cap', () => {
  it('keeps rows exactly up to the cap, then folds them into a histogram of bounded size', () => {
    const s = new RowSeries(1, 1000);
    const v = values(200_000);
    v.slice(0, 1000).forEach((x) => s.push([x]));
    expect(s.approximate).toBe(false);
    expect(s.sorted()).toEqual(Float64Array.from(v.slice(0, 1000)).sort());
    v.slice(1000).forEach((x) => s.push([x]));
    expect(s.approximate).toBe(true);
    expect(s.length).toBe(200_000);
    expect(s.sorted().length).toBe(0);
    expect(s.max).toBe(v.reduce((a, b) => Math.max(a, b)));
    // Six decades at 2% per bucket: at most ~700 buckets however many values come.
    expect(s.histogram!.size).toBeLessThan(720);
    expect(s.histogram!.count).toBe(200_000);
  });

  it('a synthetic stream of call facts past the cap gives approximate percentiles within the bound', () => {
    const stats = new CallStatsByMethod(5000);
    const v = values(60_000);
    for (const durationMs of v) {
      const facts: CallFacts = {
        method: '/pkg.Svc/Get',
        outcome: 'ok',
        status: 0,
        statusName: 'OK',
        durationMs,
        requestCount: 1,
        responseCount: 1,
        requestBytes: 10,
        responseBytes: 20,
      };
      stats.add(facts);
    }
    const l = latency(stats.sorted()[0]![1]);
    const sorted = Float64Array.from(v).sort();
    expect(l.approximate).toBe(true);
    expect(l.max).toBe(sorted[sorted.length - 1]);
    for (const [p, got] of [
      [50, l.p50],
      [90, l.p90],
      [99, l.p99],
    ] as const) {
      const exact = percentile(sorted, p)!;
      expect(Math.abs(got! - exact)).toBeLessThanOrEqual(SKETCH_RELATIVE_ERROR * exact * 1.000001);
    }
    expect(stats.total.durations.approximate).toBe(true);
  });
});

describe('--summary marks approximate percentiles', () => {
  it('past a lowered cap, the method with more calls shows ~ cells and a footnote; the rest is unchanged', async () => {
    const exact = (await summaryOf('showcase.pcapng')).split('\n');
    const capped = (await summaryOf('showcase.pcapng', { exactRows: 4 })).split('\n');
    expect(exact.some((l) => l.includes('~'))).toBe(false);
    const echo = (lines: string[], table: string): string =>
      lines.slice(lines.findIndex((l) => l.startsWith(table))).find((l) => l.includes('/scope.v1.Lab/Echo'))!;
    // 21 Echo calls: P50/P90/P99 marked, MAX exact; the one Bulk call stays exact.
    const cells = echo(capped, 'gRPC calls by method').trim().split(/ {2,}/);
    const exactCells = echo(exact, 'gRPC calls by method').trim().split(/ {2,}/);
    expect(cells.slice(4, 7).every((c) => c.startsWith('~'))).toBe(true);
    expect(cells[7]).toBe(exactCells[7]);
    expect(echo(capped, 'Where the time went')).toMatch(/ ~server /);
    const notes = capped.filter((l) => l.startsWith('  ~ approximate: past 4 calls of a method'));
    expect(notes).toHaveLength(2);
    // Everything but the marked rows and the two footnotes is the exact summary's (columns re-padded).
    const same = (lines: string[]): string[] =>
      lines
        .filter((l) => !l.includes('/scope.v1.Lab/Echo') && !notes.includes(l))
        .map((l) => l.trim().split(/ +/).join(' '));
    expect(same(capped)).toEqual(same(exact));
  });
});
