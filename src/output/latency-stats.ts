/**
 * Where the calls' time went, per method, for --summary (and the TUI statistics, which may reuse it): the
 * share of each latency component (CallRecord.latency, src/analysis/call-latency.ts) over all the method's
 * calls, and which component dominates its slowest calls (those at or above its p99 duration). Keeps seven
 * numbers per call, like the durations call-stats.ts keeps for the percentiles.
 */
import type { CallLatency, CallRecord } from '../records/call.js';
import { percentile } from '../model/call-stats.js';
import { RowSeries } from '../model/value-series.js';
import { formatMs, formatTable } from './table.js';
import { approximateNote } from './call-stats.js';

export const COMPONENTS = [
  ['request', 'requestMs', 'REQUEST'],
  ['server', 'serverMs', 'SERVER'],
  ['response', 'responseMs', 'RESPONSE'],
  ['clientFlowWait', 'clientFlowWaitMs', 'C-WINDOW'],
  ['serverFlowWait', 'serverFlowWaitMs', 'S-WINDOW'],
  ['retransmission', 'retransmissionMs', 'RETRANS'],
  ['unaccounted', 'unaccountedMs', 'OTHER'],
] as const;

interface MethodLatency {
  /** Rows of [duration, ...parts in COMPONENTS order]. */
  rows: RowSeries;
  /** Running sums of the durations and of each part, in arrival order. */
  total: number;
  parts: Float64Array;
}

const WIDTH = 1 + COMPONENTS.length;

export interface MethodLatencySummary {
  method: string;
  calls: number;
  /** Share (0-1) of all the method's call time per component, in COMPONENTS order. */
  shares: number[];
  p99: number | null;
  /** The component with the most time in the calls at or above p99, and that time (ms, summed). */
  p99Dominant: { component: string; ms: number; of: number; calls: number } | null;
  /** Present when p99 and p99Dominant come from the histogram (past the series' cap). */
  approximate?: true;
}

export class LatencyByMethod {
  private readonly methods = new Map<string, MethodLatency>();
  private readonly row = new Float64Array(WIDTH);

  /** `cap`: calls kept exactly per method (value-series.ts EXACT_ROWS unless a test lowers it). */
  constructor(private readonly cap?: number) {}

  add(c: Pick<CallRecord, 'method' | 'durationMs' | 'latency'>): void {
    const l: CallLatency | undefined = c.latency;
    if (l === undefined) return;
    const key = c.method ?? '(unknown method)';
    let m = this.methods.get(key);
    if (!m)
      this.methods.set(
        key,
        (m = { rows: new RowSeries(WIDTH, this.cap), total: 0, parts: new Float64Array(COMPONENTS.length) }),
      );
    const row = this.row;
    row[0] = c.durationMs;
    m.total += c.durationMs;
    COMPONENTS.forEach(([, field], i) => {
      row[1 + i] = l[field];
      m.parts[i]! += l[field];
    });
    m.rows.push(row);
  }

  get size(): number {
    return this.methods.size;
  }

  summaries(): MethodLatencySummary[] {
    return [...this.methods].map(([method, m]) => summarize(method, m));
  }

  /** The --summary section: one row per method, most calls first, at most `limit`. */
  lines(limit: number): string[] {
    if (this.methods.size === 0) return [];
    const all = byCalls(this.summaries());
    const rows = all
      .slice(0, limit)
      .map((s) => [s.method, String(s.calls), ...s.shares.map(pct), dominantText(s)]);
    const header = ['METHOD', 'CALLS', ...COMPONENTS.map(([, , h]) => h), 'P99 CALLS DOMINATED BY'];
    const approximate = all.slice(0, limit).some((s) => s.approximate);
    return [
      'Where the time went (share of call time per method; docs/analysis.md "Latency breakdown"):',
      ...formatTable(header, rows, ['l', 'r', ...COMPONENTS.map(() => 'r' as const), 'l']),
      ...(approximate ? [approximateNote('p99 calls', this.cap)] : []),
    ];
  }
}

function summarize(method: string, m: MethodLatency): MethodLatencySummary {
  const total = m.total;
  const shares = COMPONENTS.map((_, i) => (total > 0 ? m.parts[i]! / total : 0));
  const calls = m.rows.length;
  const h = m.rows.histogram;
  if (h !== null) {
    // Past the cap: the calls of p99's bucket and above, from the per-bucket sums.
    const sums = h.sumsFrom(99);
    const p99Dominant = dominant(sums.subarray(2), sums[1]!, sums[0]!);
    return { method, calls, shares, p99: h.percentile(99), p99Dominant, approximate: true };
  }
  const p99 = percentile(m.rows.sorted(), 99);
  if (p99 === null) return { method, calls, shares, p99, p99Dominant: null };
  // Summed in arrival order, as the reports always have (the same floating-point sums).
  const slow = new Float64Array(COMPONENTS.length);
  let of = 0;
  let n = 0;
  m.rows.forEach((c, at) => {
    if (c[at]! < p99) return;
    of += c[at]!;
    n++;
    for (let i = 0; i < COMPONENTS.length; i++) slow[i]! += c[at + 1 + i]!;
  });
  return { method, calls, shares, p99, p99Dominant: dominant(slow, of, n) };
}

/** The component with the most of `slow` (ms per component, COMPONENTS order); the first on ties. */
function dominant(slow: ArrayLike<number>, of: number, calls: number): MethodLatencySummary['p99Dominant'] {
  let best: MethodLatencySummary['p99Dominant'] = null;
  COMPONENTS.forEach(([name], i) => {
    if (best === null || slow[i]! > best.ms) best = { component: name, ms: slow[i]!, of, calls };
  });
  return best;
}

/** A share as --summary prints it: "-" under 0.05%, one decimal under 10%. */
export function pct(share: number): string {
  if (share < 0.0005) return '-';
  const p = share * 100;
  return p >= 10 ? `${Math.round(p)}%` : `${p.toFixed(1)}%`;
}

/** "server 41.2ms of 45ms": the component that dominates the method's calls at or above p99. */
/**
 * One slow call: its milliseconds ("server 4.66ms of 8.29ms"); several: the share of their summed time,
 * since a sum over many calls is no duration anyone waited ("request 73% of 260 calls' time").
 */
export function dominantText(s: MethodLatencySummary): string {
  const d = s.p99Dominant;
  if (d === null) return '-';
  const mark = s.approximate ? '~' : '';
  if (d.calls === 1) return `${mark}${d.component} ${formatMs(d.ms)} of ${formatMs(d.of)}`;
  return `${mark}${d.component} ${pct(d.of > 0 ? d.ms / d.of : 0)} of ${d.calls} calls' time`;
}

/** Summaries in --summary's order: most calls first, then by name. */
export function byCalls(all: MethodLatencySummary[]): MethodLatencySummary[] {
  return all.sort((a, b) => b.calls - a.calls || a.method.localeCompare(b.method));
}
