/**
 * Per-method and per-connection call statistics shared by --summary and --format markdown: counts, error
 * rates (an error is any outcome but "ok"), latency percentiles and message bytes.
 */
import type { CallRecord } from '../records/call.js';
import { formatMs, percentile } from './table.js';

export interface CallStats {
  calls: number;
  errors: number;
  /** Sorted durations (ms). */
  durations: number[];
  requestBytes: number;
  responseBytes: number;
  statuses: Map<string, number>;
}

export interface LatencySummary {
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
}

export function newCallStats(): CallStats {
  return { calls: 0, errors: 0, durations: [], requestBytes: 0, responseBytes: 0, statuses: new Map() };
}

export function addCall(s: CallStats, c: CallRecord): void {
  s.calls++;
  if (c.outcome !== 'ok') s.errors++;
  s.durations.push(c.durationMs);
  // Message-Length: bytes on the wire (compressed size for compressed messages); only kept messages count.
  for (const m of c.requests) s.requestBytes += m.length;
  for (const m of c.responses) s.responseBytes += m.length;
  const status = c.statusName ?? (c.status === null ? 'none' : String(c.status));
  s.statuses.set(status, (s.statuses.get(status) ?? 0) + 1);
}

export function latency(s: CallStats): LatencySummary {
  const sorted = [...s.durations].sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted.length > 0 ? sorted[sorted.length - 1]! : null,
  };
}

export function errorRate(s: CallStats): string {
  return s.calls === 0 ? '-' : `${((100 * s.errors) / s.calls).toFixed(1)}%`;
}

/** The cells every per-method table shows: method, calls, errors, error rate, p50, p90, p99, max. */
export function methodCells(method: string, s: CallStats): string[] {
  const l = latency(s);
  const ms = [l.p50, l.p90, l.p99, l.max].map(formatMs);
  return [method, String(s.calls), String(s.errors), errorRate(s), ...ms];
}

/**
 * Calls aggregated per method as they arrive, plus the total: only numbers are kept (durations for the
 * percentiles), never the call records, so a capture of millions of calls costs a few numbers per call.
 */
export class CallStatsByMethod {
  readonly total = newCallStats();
  private readonly methods = new Map<string, CallStats>();

  add(c: CallRecord): void {
    const key = c.method ?? '(unknown method)';
    let s = this.methods.get(key);
    if (!s) this.methods.set(key, (s = newCallStats()));
    addCall(s, c);
    addCall(this.total, c);
  }

  /** Most calls first (ties: by name). */
  sorted(): Array<[string, CallStats]> {
    return [...this.methods].sort((a, b) => b[1].calls - a[1].calls || (a[0] < b[0] ? -1 : 1));
  }
}
