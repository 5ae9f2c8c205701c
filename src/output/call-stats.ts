/**
 * Per-method and per-connection call statistics shared by --summary and --format markdown: counts, error
 * rates, latency percentiles and message bytes. An error is any outcome but "ok" and "status-unknown"
 * (callNotOk); calls whose status is unknown are counted apart, with their guesses (CallRecord.statusUnknown),
 * which count neither as OK nor as errors.
 */
import { callNotOk, type CallRecord } from '../records/call.js';
import { formatMs, percentile } from './table.js';

export interface CallStats {
  calls: number;
  errors: number;
  /** Outcome 'status-unknown', and how many of them carry each guess (CallRecord.statusUnknown.guess). */
  unknown: number;
  guessed: Map<string, number>;
  /** Why their status is unknown (StatusUnknown.reason), with counts. */
  unknownReasons: Map<string, number>;
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
  return {
    calls: 0,
    errors: 0,
    unknown: 0,
    guessed: new Map(),
    unknownReasons: new Map(),
    durations: [],
    requestBytes: 0,
    responseBytes: 0,
    statuses: new Map(),
  };
}

export function addCall(s: CallStats, c: CallRecord): void {
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
  s.durations.push(c.durationMs);
  // Message-Length: bytes on the wire (compressed size for compressed messages); only kept messages count.
  for (const m of c.requests) s.requestBytes += m.length;
  for (const m of c.responses) s.responseBytes += m.length;
  const status =
    c.outcome === 'status-unknown'
      ? unknown?.guess
        ? `status unknown (guessed ${unknown.guess.statusName})`
        : 'status unknown'
      : (c.statusName ?? (c.status === null ? 'none' : String(c.status)));
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

/** Errors over all calls: a call whose status is unknown is not an error (UNKNOWN counts those). */
export function errorRate(s: CallStats): string {
  return s.calls === 0 ? '-' : `${((100 * s.errors) / s.calls).toFixed(1)}%`;
}

/**
 * The cells every per-method table shows: method, calls, errors, error rate, [unknown,] p50, p90, p99,
 * max. The UNKNOWN column (status unknown, "N (M guessed OK)") is there only when `withUnknown`: the
 * tables of captures where every status was read keep their shape.
 */
export function methodCells(method: string, s: CallStats, withUnknown = false): string[] {
  const l = latency(s);
  const ms = [l.p50, l.p90, l.p99, l.max].map(formatMs);
  const unknown = withUnknown ? [unknownCount(s)] : [];
  return [method, String(s.calls), String(s.errors), errorRate(s), ...unknown, ...ms];
}

/** "52 (38 guessed OK, 6 guessed NOT_FOUND)". */
export function unknownCount(s: CallStats): string {
  const guesses = guessList(s.guessed);
  return guesses === '' ? String(s.unknown) : `${s.unknown} (${guesses})`;
}

/** "38 guessed OK, 6 guessed NOT_FOUND", most first; '' without guesses. */
export function guessList(guessed: ReadonlyMap<string, number>): string {
  return [...guessed]
    .sort((a, b) => b[1] - a[1])
    .map(([name, n]) => `${n} guessed ${name}`)
    .join(', ');
}

/**
 * "44 status unknown (HPACK entries from before the capture; 41 guessed OK, not decoded)", or null when every status
 * was known: the phrase the summary and markdown heads add after "N not ok".
 */
export function unknownPhrase(s: CallStats): string | null {
  if (s.unknown === 0) return null;
  const reasons = [...s.unknownReasons].sort((a, b) => b[1] - a[1]).map(([r]) => r);
  const guesses = guessList(s.guessed);
  const guessed = guesses === '' ? '' : `; ${guesses}, not decoded`;
  return `${s.unknown} status unknown (${reasons.join('; ')}${guessed})`;
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
