import { ANALYSIS_DIAGNOSTICS } from '../diagnostics/analysis.js';
import { diag } from '../diagnostics/make.js';
import type { Diagnostic } from '../diagnostics/types.js';
import { byRef, type CaptureAggregate, type PairFacts } from './capture-aggregate.js';
import { groupBy, type ConnectionSummary } from './capture-facts.js';
import { clock, median, msBetween, roundMs } from './format.js';
import type { AnalysisOptions } from './options.js';

/**
 * The pair's connections (so far, or in a window of time) are mostly one call each: enough evidence of
 * connection churn.
 */
export function churning(p: Pick<PairFacts, 'h2' | 'single' | 'calls'>, opts: AnalysisOptions): boolean {
  if (p.h2 === 0 || p.h2 < opts.churnMinConnections) return false;
  return p.single >= p.h2 * opts.churnMinFraction && p.calls >= p.h2 / 2;
}

/** What a connection-per-call diagnostic needs of one pair: its counts, its first connection, its list. */
export interface ChurnEvidence {
  client: string;
  server: string;
  counts: Pick<PairFacts, 'h2' | 'single' | 'calls'>;
  first: { id: string; start: number };
  lastEnd: number;
  /** The pair's connections kept in detail, in capture order. */
  connections: readonly Pick<ConnectionSummary, 'id' | 'start' | 'end'>[];
}

/** analysis.churn.connection-per-call from the pair's evidence (since the start, or over a live window). */
export function connectionPerCall(e: ChurnEvidence): Diagnostic {
  const params = {
    client: e.client,
    server: e.server,
    connections: e.counts.h2,
    spanMs: msBetween(e.first.start, e.lastEnd),
    single: e.counts.single,
    calls: e.counts.calls,
    medianMs: roundMs(median(e.connections.map((c) => msBetween(c.start, c.end))) ?? 0),
  };
  const d = diag(ANALYSIS_DIAGNOSTICS, 'analysis.churn.connection-per-call', params, {
    connection: e.first.id,
    time: e.first.start,
  });
  d.evidence = { ...d.evidence, connectionIds: e.connections.map((c) => c.id) };
  return d;
}

/**
 * Many short HTTP/2 connections from one client to one server, each with at most one call: for the pairs
 * given (default: every pair, at the end of the capture), or the one pair whose connection just ended
 * (CaptureAnalyzer raises it as soon as the pair's connections so far show it).
 */
export function detectConnectionPerCall(
  facts: CaptureAggregate,
  opts: AnalysisOptions,
  only?: string,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const details = groupBy(
    facts.details.filter((c) => c.http2 && (only === undefined || `${c.clientIp} ${c.server}` === only)),
    (c) => `${c.clientIp} ${c.server}`,
  );
  const pairs = [...facts.pairs].filter(([key, p]) => p.h2First !== null && (only ?? key) === key);
  pairs.sort(([, a], [, b]) => byRef({ first: a.h2First! }, { first: b.h2First! }));
  for (const [key, p] of pairs) {
    const first = p.h2First!;
    if (!churning(p, opts)) continue;
    // Kept in detail: all of the pair's connections unless the capture passed captureMaxConnections; in
    // capture order (details are in end order until the end of the capture sorts them).
    const list = (details.get(key) ?? []).sort(
      (a, b) => a.start - b.start || Number(a.id.slice(1)) - Number(b.id.slice(1)),
    );
    out.push(
      connectionPerCall({
        client: p.clientIp,
        server: p.server,
        counts: p,
        first,
        lastEnd: p.h2LastEnd,
        connections: list,
      }),
    );
  }
  return out;
}

/** A connection of a burst as far as it is known: `end` null while it is open (live). */
export interface BurstMember {
  id: string;
  start: number;
  end: number | null;
  calls: number;
  /** Its end was a close by a peer (not the end of the capture). */
  closed: boolean;
}

/**
 * Why a burst is a connection storm, or null for a channel pool opening together (grpc-go, grpc-java,
 * Envoy and grpc-js pools open several channels at once and then keep them): its connections are mostly
 * short-lived (closed within `burstEvidenceMs` of opening, with at most `burstFewCalls` calls), or it
 * follows the close of as many of the pair's connections (`reconnected`: a reconnect wave after a restart,
 * GOAWAY or reset), or it is larger than a pool (`burstStormConnections`).
 */
export function stormOf(
  burst: readonly BurstMember[],
  reconnected: number,
  opts: AnalysisOptions,
): { why: string; short: number; reconnected: number } | null {
  const evidenceS = opts.burstEvidenceMs / 1000;
  const short = burst.filter(
    (c) => c.closed && c.end !== null && c.end - c.start <= evidenceS && c.calls <= opts.burstFewCalls,
  ).length;
  const n = burst.length;
  if (short * 2 >= n)
    return {
      why: `${short} of them closed within ${evidenceS} s of opening after at most ${opts.burstFewCalls} calls`,
      short,
      reconnected,
    };
  if (reconnected * 2 >= n)
    return {
      why: `they opened within ${evidenceS} s after ${reconnected} other connections of the client to that server closed`,
      short,
      reconnected,
    };
  if (n >= opts.burstStormConnections) return { why: 'more than a channel pool opens', short, reconnected };
  return null;
}

/** analysis.churn.burst for a burst (in opening order) that stormOf found a storm. */
export function connectionBurst(
  client: string,
  server: string,
  burst: readonly BurstMember[],
  storm: { why: string; short: number; reconnected: number },
): Diagnostic {
  const first = burst[0]!;
  const params = {
    client,
    server,
    connections: burst.length,
    windowMs: msBetween(first.start, burst[burst.length - 1]!.start),
    first: clock(first.start),
    ...storm,
  };
  const d = diag(ANALYSIS_DIAGNOSTICS, 'analysis.churn.burst', params, {
    connection: first.id,
    time: first.start,
  });
  d.evidence = { ...d.evidence, connectionIds: burst.map((c) => c.id) };
  return d;
}

/**
 * Connection storms: many TCP connections from one client to one server endpoint open together, opened
 * within a short time, that stormOf tells from a channel pool. The largest such burst of each pair.
 */
export function detectConnectionBurst(conns: ConnectionSummary[], opts: AnalysisOptions): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const list of groupBy(conns, (c) => `${c.clientIp} ${c.server}`).values()) {
    if (list.length < opts.burstMinConnections) continue;
    const sorted = [...list].sort((a, b) => a.start - b.start);
    // Real closes in time order: the reconnect evidence of a burst is those in the span before it.
    const closes = sorted
      .filter((c) => c.closed)
      .map((c) => c.end)
      .sort((a, b) => a - b);
    const found = largestStorm(sorted, closes, opts);
    if (found !== null) out.push(connectionBurst(sorted[0]!.clientIp, sorted[0]!.server, ...found));
  }
  return out;
}

/**
 * The largest burst that is a storm: a set of connections all open at one instant (the start of the latest
 * of them) and all opened within `burstWindowMs` before it.
 */
function largestStorm(
  sorted: ConnectionSummary[],
  closes: number[],
  opts: AnalysisOptions,
): [ConnectionSummary[], NonNullable<ReturnType<typeof stormOf>>] | null {
  const window = opts.burstWindowMs / 1000;
  let best: [ConnectionSummary[], NonNullable<ReturnType<typeof stormOf>>] | null = null;
  let from = 0;
  for (let j = 0; j < sorted.length; j++) {
    const t = sorted[j]!.start;
    while (sorted[from]!.start < t - window) from++;
    if (j + 1 - from < Math.max(opts.burstMinConnections, (best?.[0].length ?? 0) + 1)) continue;
    const open = sorted.slice(from, j + 1).filter((c) => c.end >= t);
    if (open.length < opts.burstMinConnections || open.length <= (best?.[0].length ?? 0)) continue;
    const storm = stormOf(open, reconnects(closes, open[0]!.start, t, opts), opts);
    if (storm !== null) best = [open, storm];
  }
  return best;
}

/** Real closes of a pair (times, sorted) from `burstEvidenceMs` before `first` up to `last`. */
export function reconnects(
  closes: readonly number[],
  first: number,
  last: number,
  opts: AnalysisOptions,
): number {
  return lowerBound(closes, last) - lowerBound(closes, first - opts.burstEvidenceMs / 1000);
}

function lowerBound(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
