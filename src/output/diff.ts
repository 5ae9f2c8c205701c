/**
 * `h2scope diff BEFORE AFTER`: two DiffSides side by side, as a plain value (the json output is exactly
 * this), with one verdict line per incident type. Pure: aggregates in, comparison out.
 *
 * A verdict compares one number per side where lower is better (errors, p99 latency, time stalled, error
 * GOAWAYs, connections per call, each warning or error diagnostic) and says which way it moved: "gone"
 * (some -> none), "new" (none -> some), "better", "worse" or "same". Counts are compared as they are: two
 * captures of different lengths are not normalised, so the calls of each side are shown with them.
 */
import type { Severity } from '../diagnostics/types.js';
import type { CaptureRecord } from '../records/records.js';
import { latency, percentile, type CallStats, type LatencySummary } from '../model/call-stats.js';
import { errorRate } from './call-stats.js';
import type { DiffSide, EndpointFacts } from './diff-side.js';
import { plural } from '../records/number-text.js';
import { formatMs } from '../records/duration-text.js';

export type Change = 'gone' | 'new' | 'better' | 'worse' | 'same';

export interface Verdict {
  /** Stable key: "errors", "latency-p99", "window-starvation", "goaway-errors", "connection-churn", or a diagnostic code. */
  incident: string;
  /** In words: "window starvation". */
  title: string;
  before: number | null;
  after: number | null;
  /** The numbers in words, e.g. "183 stalls (2.41s waited)". */
  beforeText: string;
  afterText: string;
  change: Change;
}

export interface SideHead {
  files: string[];
  packets: number;
  bytes: number;
  /** Seconds between the first and last packet of the side (all its captures). */
  durationS: number | null;
  connections: number;
  calls: number;
  errors: number;
  complete: boolean;
}

export interface MethodNumbers extends LatencySummary {
  calls: number;
  errors: number;
  errorRate: string;
  /** Calls by status name (or outcome when there is no status), most first. */
  statuses: Record<string, number>;
}

export interface EndpointNumbers {
  connections: number;
  calls: number;
  errors: number;
  p50: number | null;
  p99: number | null;
  stalls: number;
  stalledMs: number;
  /** By "sender ERROR_CODE". */
  goaways: Record<string, number>;
  /** How connections ended: fin, rst, capture-end, ... */
  endReasons: Record<string, number>;
}

export interface DiffReport {
  before: SideHead;
  after: SideHead;
  verdicts: Verdict[];
  methods: Array<{ method: string; before: MethodNumbers | null; after: MethodNumbers | null }>;
  endpoints: Array<{ server: string; before: EndpointNumbers | null; after: EndpointNumbers | null }>;
  diagnostics: Array<{ code: string; severity: Severity; title: string; before: number; after: number }>;
}

export function compareSides(before: DiffSide, after: DiffSide): DiffReport {
  return {
    before: head(before),
    after: head(after),
    verdicts: verdicts(before, after),
    methods: pairUp(methodMap(before), methodMap(after)).map(([method, b, a]) => ({
      method,
      before: b,
      after: a,
    })),
    endpoints: pairUp(endpointMap(before), endpointMap(after)).map(([server, b, a]) => ({
      server,
      before: b,
      after: a,
    })),
    diagnostics: diagnosticRows(before, after),
  };
}

function head(side: DiffSide): SideHead {
  const caps: CaptureRecord[] = side.captures;
  const starts = caps.map((c) => c.start).filter((t): t is number => t !== null);
  const ends = caps.map((c) => c.end).filter((t): t is number => t !== null);
  return {
    files: caps.map((c) => c.file),
    packets: caps.reduce((n, c) => n + c.packets, 0),
    bytes: caps.reduce((n, c) => n + c.bytes, 0),
    durationS: starts.length > 0 && ends.length > 0 ? Math.max(...ends) - Math.min(...starts) : null,
    connections: side.connections,
    calls: side.calls.total.calls,
    errors: side.calls.total.errors,
    complete: caps.every((c) => c.complete),
  };
}

function methodNumbers(s: CallStats): MethodNumbers {
  const statuses = Object.fromEntries([...s.statuses].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)));
  return { calls: s.calls, errors: s.errors, errorRate: errorRate(s), statuses, ...latency(s) };
}

function methodMap(side: DiffSide): Map<string, MethodNumbers> {
  return new Map(side.calls.sorted().map(([m, s]) => [m, methodNumbers(s)]));
}

function endpointNumbers(e: EndpointFacts): EndpointNumbers {
  const sorted = [...e.durations].sort((a, b) => a - b);
  return {
    connections: e.connections,
    calls: e.calls,
    errors: e.errors,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    stalls: e.stalls,
    stalledMs: round(e.stalledMs),
    goaways: Object.fromEntries(e.goaways),
    endReasons: Object.fromEntries(e.endReasons),
  };
}

function endpointMap(side: DiffSide): Map<string, EndpointNumbers> {
  const rows = [...side.endpoints].sort((a, b) => b[1].calls - a[1].calls || (a[0] < b[0] ? -1 : 1));
  return new Map(rows.map(([server, e]) => [server, endpointNumbers(e)]));
}

/** Keys of both maps, before's order first, then the ones only after has. */
function pairUp<T>(b: Map<string, T>, a: Map<string, T>): Array<[string, T | null, T | null]> {
  const keys = [...b.keys(), ...[...a.keys()].filter((k) => !b.has(k))];
  return keys.map((k) => [k, b.get(k) ?? null, a.get(k) ?? null]);
}

function diagnosticRows(before: DiffSide, after: DiffSide): DiffReport['diagnostics'] {
  const codes = [...new Set([...before.diagnostics.keys(), ...after.diagnostics.keys()])];
  const rank: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
  return codes
    .map((code) => {
      const spec = before.diagnostics.get(code) ?? after.diagnostics.get(code)!;
      return {
        code,
        severity: spec.severity,
        title: spec.title,
        before: before.diagnostics.get(code)?.count ?? 0,
        after: after.diagnostics.get(code)?.count ?? 0,
      };
    })
    .sort((x, y) => rank[x.severity] - rank[y.severity] || y.before + y.after - (x.before + x.after));
}

// ---- verdicts ----

type Words = (n: number | null, side: DiffSide) => string;

function verdicts(before: DiffSide, after: DiffSide): Verdict[] {
  const out: Verdict[] = [];
  const add = (incident: string, title: string, of: (s: DiffSide) => number | null, words: Words): void => {
    const b = of(before);
    const a = of(after);
    out.push({
      incident,
      title,
      before: b,
      after: a,
      beforeText: words(b, before),
      afterText: words(a, after),
      change: change(b, a),
    });
  };
  add(
    'errors',
    'failed calls',
    (s) => s.calls.total.errors,
    (n, s) => `${n} of ${plural(s.calls.total.calls, 'call')} (${errorRate(s.calls.total)})`,
  );
  add(
    'latency-p99',
    'p99 call latency',
    (s) => latency(s.calls.total).p99,
    (n) => (n === null ? 'no calls' : ms(n)),
  );
  // Compared by the time DATA waited for window, not the number of waits: a default window also stalls
  // briefly now and then (grpc-js-large: 18 waits, 3 ms in all), a starved one waits for seconds.
  add(
    'window-starvation',
    'window starvation',
    (s) => round(s.stalledMs),
    (_, s) => (s.stalls === 0 ? '0 stalls' : `${plural(s.stalls, 'stall')} (${ms(s.stalledMs)} waited)`),
  );
  add('goaway-errors', 'GOAWAY with an error', goawayErrors, (n, s) =>
    n === 0 ? '0' : `${n} (${goawayList(s)})`,
  );
  // Churn: HTTP/2 connections per call, lower is better; a side without calls has no ratio.
  add(
    'connection-churn',
    'connection churn',
    (s) => (s.calls.total.calls === 0 ? null : round(s.h2Connections / s.calls.total.calls)),
    (_, s) => `${plural(s.h2Connections, 'HTTP/2 connection')} for ${plural(s.calls.total.calls, 'call')}`,
  );
  // Every warning and error diagnostic is an incident type of its own.
  for (const row of diagnosticRows(before, after)) {
    if (row.severity === 'info') continue;
    add(
      row.code,
      row.title,
      (s) => s.diagnostics.get(row.code)?.count ?? 0,
      (n) => String(n),
    );
  }
  return out;
}

function change(before: number | null, after: number | null): Change {
  if (before === null || after === null || before === after) return 'same';
  if (after === 0 && before > 0) return 'gone';
  if (before === 0 && after > 0) return 'new';
  return after < before ? 'better' : 'worse';
}

function goawayErrors(side: DiffSide): number {
  let n = 0;
  for (const [key, count] of side.goaways) if (!key.endsWith(' NO_ERROR')) n += count;
  return n;
}

function goawayList(side: DiffSide): string {
  return [...side.goaways]
    .filter(([key]) => !key.endsWith(' NO_ERROR'))
    .map(([key, n]) => `${key} ${n}`)
    .join(', ');
}

const ms = formatMs;

function round(n: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
