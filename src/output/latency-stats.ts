/**
 * Where the calls' time went, per method, for --summary (and the TUI statistics, which may reuse it): the
 * share of each latency component (CallRecord.latency, src/analysis/call-latency.ts) over all the method's
 * calls, and which component dominates its slowest calls (those at or above its p99 duration). Keeps seven
 * numbers per call, like the durations call-stats.ts keeps for the percentiles.
 */
import type { CallLatency, CallRecord } from '../records/call.js';
import { percentile } from '../model/call-stats.js';
import { formatMs, formatTable } from './table.js';

export const COMPONENTS = [
  ['request', 'requestMs', 'REQUEST'],
  ['server', 'serverMs', 'SERVER'],
  ['response', 'responseMs', 'RESPONSE'],
  ['clientFlowWait', 'clientFlowWaitMs', 'C-WINDOW'],
  ['serverFlowWait', 'serverFlowWaitMs', 'S-WINDOW'],
  ['retransmission', 'retransmissionMs', 'RETRANS'],
  ['unaccounted', 'unaccountedMs', 'OTHER'],
] as const;

type Part = (typeof COMPONENTS)[number][1];

interface MethodLatency {
  durations: number[];
  parts: Array<Record<Part, number>>;
}

export interface MethodLatencySummary {
  method: string;
  calls: number;
  /** Share (0-1) of all the method's call time per component, in COMPONENTS order. */
  shares: number[];
  p99: number | null;
  /** The component with the most time in the calls at or above p99, and that time (ms, summed). */
  p99Dominant: { component: string; ms: number; of: number; calls: number } | null;
}

export class LatencyByMethod {
  private readonly methods = new Map<string, MethodLatency>();

  add(c: Pick<CallRecord, 'method' | 'durationMs' | 'latency'>): void {
    const l: CallLatency | undefined = c.latency;
    if (l === undefined) return;
    const key = c.method ?? '(unknown method)';
    let m = this.methods.get(key);
    if (!m) this.methods.set(key, (m = { durations: [], parts: [] }));
    m.durations.push(c.durationMs);
    const parts = {} as Record<Part, number>;
    for (const [, field] of COMPONENTS) parts[field] = l[field];
    m.parts.push(parts);
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
    return [
      'Where the time went (share of call time per method; docs/analysis.md "Latency breakdown"):',
      ...formatTable(header, rows, ['l', 'r', ...COMPONENTS.map(() => 'r' as const), 'l']),
    ];
  }
}

function summarize(method: string, m: MethodLatency): MethodLatencySummary {
  const total = m.durations.reduce((a, b) => a + b, 0);
  const shares = COMPONENTS.map(([, field]) =>
    total > 0 ? m.parts.reduce((a, p) => a + p[field], 0) / total : 0,
  );
  const p99 = percentile(
    [...m.durations].sort((a, b) => a - b),
    99,
  );
  let p99Dominant: MethodLatencySummary['p99Dominant'] = null;
  if (p99 !== null) {
    const slow = m.parts.filter((_, i) => m.durations[i]! >= p99);
    const of = m.durations.filter((d) => d >= p99).reduce((a, b) => a + b, 0);
    for (const [name, field] of COMPONENTS) {
      const ms = slow.reduce((a, p) => a + p[field], 0);
      if (p99Dominant === null || ms > p99Dominant.ms)
        p99Dominant = { component: name, ms, of, calls: slow.length };
    }
  }
  return { method, calls: m.durations.length, shares, p99, p99Dominant };
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
  if (d.calls === 1) return `${d.component} ${formatMs(d.ms)} of ${formatMs(d.of)}`;
  return `${d.component} ${pct(d.of > 0 ? d.ms / d.of : 0)} of ${d.calls} calls' time`;
}

/** Summaries in --summary's order: most calls first, then by name. */
export function byCalls(all: MethodLatencySummary[]): MethodLatencySummary[] {
  return all.sort((a, b) => b.calls - a.calls || a.method.localeCompare(b.method));
}
