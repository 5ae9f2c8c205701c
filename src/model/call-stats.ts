/**
 * Per-method call statistics: counts, errors by status name, latency percentiles, message bytes and
 * counts. The one aggregation behind --summary, --format markdown (src/output/call-stats.ts formats it)
 * and the TUI's Stats screen (select-stats.ts feeds it the store's call columns), so the three show the
 * same numbers. An error is any outcome but "ok" and "status-unknown" (callNotOk); calls whose status is
 * unknown are counted apart, with their guesses (CallRecord.statusUnknown), as neither OK nor errors.
 */
import { callNotOk, type CallRecord, type CallSummary } from '../records/call.js';
import { messageBytes } from './store-calls.js';
import { RowSeries } from './value-series.js';

/** What the statistics read of a call: a store row (CallRow) or a record through callFacts. */
export type CallFacts = Pick<
  CallSummary,
  | 'method'
  | 'outcome'
  | 'status'
  | 'statusName'
  | 'statusUnknown'
  | 'durationMs'
  | 'requestCount'
  | 'responseCount'
> & {
  /** Message-Length totals: bytes on the wire (compressed size for compressed messages), kept messages. */
  requestBytes: number;
  responseBytes: number;
};

export function callFacts(c: CallRecord): CallFacts {
  return {
    method: c.method,
    outcome: c.outcome,
    status: c.status,
    statusName: c.statusName,
    ...(c.statusUnknown ? { statusUnknown: c.statusUnknown } : {}),
    durationMs: c.durationMs,
    requestCount: c.requestCount,
    responseCount: c.responseCount,
    requestBytes: messageBytes(c.requests),
    responseBytes: messageBytes(c.responses),
  };
}

export interface CallStats {
  calls: number;
  errors: number;
  /** Outcome 'status-unknown', and how many of them carry each guess (CallRecord.statusUnknown.guess). */
  unknown: number;
  guessed: Map<string, number>;
  /** Why their status is unknown (StatusUnknown.reason), with counts. */
  unknownReasons: Map<string, number>;
  /** Durations (ms): exact up to a cap, then a histogram (value-series.ts); latency() sorts a copy. */
  durations: RowSeries;
  requestBytes: number;
  responseBytes: number;
  /** Messages sent each way (CallRecord.requestCount / responseCount: all of them, kept or not). */
  requestMessages: number;
  responseMessages: number;
  /** Calls by status name ("OK", "UNAVAILABLE", "status unknown (guessed OK)", "none"). */
  statuses: Map<string, number>;
}

export interface LatencySummary {
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
  /** Present (true) when p50/p90/p99 come from the histogram past the series' cap; max stays exact. */
  approximate?: true;
}

/** `cap`: durations kept exactly (EXACT_ROWS unless a test lowers it). */
export function newCallStats(cap?: number): CallStats {
  return {
    calls: 0,
    errors: 0,
    unknown: 0,
    guessed: new Map(),
    unknownReasons: new Map(),
    durations: new RowSeries(1, cap),
    requestBytes: 0,
    responseBytes: 0,
    requestMessages: 0,
    responseMessages: 0,
    statuses: new Map(),
  };
}

/** The status a call is counted under in `statuses`. */
export function statusLabel(c: CallFacts): string {
  const unknown = c.statusUnknown;
  if (c.outcome === 'status-unknown')
    return unknown?.guess ? `status unknown (guessed ${unknown.guess.statusName})` : 'status unknown';
  return c.statusName ?? (c.status === null ? 'none' : String(c.status));
}

/** addCall's row for RowSeries.push (copied there), without an array per call. */
const ONE = new Float64Array(1);

export function addCall(s: CallStats, c: CallFacts): void {
  s.calls++;
  if (callNotOk(c)) s.errors++;
  const unknown = c.statusUnknown;
  if (c.outcome === 'status-unknown') {
    s.unknown++;
    const guess = unknown?.guess?.statusName;
    if (guess !== undefined) s.guessed.set(guess, (s.guessed.get(guess) ?? 0) + 1);
    const reason = unknown?.reason ?? 'not decoded';
    s.unknownReasons.set(reason, (s.unknownReasons.get(reason) ?? 0) + 1);
  }
  ONE[0] = c.durationMs;
  s.durations.push(ONE);
  s.requestBytes += c.requestBytes;
  s.responseBytes += c.responseBytes;
  s.requestMessages += c.requestCount;
  s.responseMessages += c.responseCount;
  const status = statusLabel(c);
  s.statuses.set(status, (s.statuses.get(status) ?? 0) + 1);
}

/** Nearest-rank percentile of ascending `sorted` (p in 0..100): an observed value, never interpolated. */
export function percentile(sorted: ArrayLike<number>, p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

export function latency(s: CallStats): LatencySummary {
  const h = s.durations.histogram;
  if (h !== null) {
    const [p50, p90, p99] = [50, 90, 99].map((p) => h.percentile(p));
    return { p50: p50!, p90: p90!, p99: p99!, max: s.durations.max, approximate: true };
  }
  const sorted = s.durations.sorted();
  return {
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted.length > 0 ? sorted[sorted.length - 1]! : null,
  };
}

/**
 * Calls aggregated per method as they arrive, plus the total: only numbers are kept (durations for the
 * percentiles, bounded by value-series.ts), never the call records.
 */
export class CallStatsByMethod {
  readonly total: CallStats;
  private readonly methods = new Map<string, CallStats>();

  /** `cap`: durations kept exactly per series (value-series.ts EXACT_ROWS unless a test lowers it). */
  constructor(private readonly cap?: number) {
    this.total = newCallStats(cap);
  }

  add(c: CallFacts): void {
    const key = c.method ?? '(unknown method)';
    let s = this.methods.get(key);
    if (!s) this.methods.set(key, (s = newCallStats(this.cap)));
    addCall(s, c);
    addCall(this.total, c);
  }

  get size(): number {
    return this.methods.size;
  }

  /** Most calls first (ties: by name). */
  sorted(): Array<[string, CallStats]> {
    return [...this.methods].sort((a, b) => b[1].calls - a[1].calls || (a[0] < b[0] ? -1 : 1));
  }
}
