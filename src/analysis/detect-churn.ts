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

/** Many TCP connections from one client to one server endpoint open together, opened within a short time. */
export function detectConnectionBurst(conns: ConnectionSummary[], opts: AnalysisOptions): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const list of groupBy(conns, (c) => `${c.clientIp} ${c.server}`).values()) {
    if (list.length < opts.burstMinConnections) continue;
    const best = largestBurst(
      [...list].sort((a, b) => a.start - b.start),
      opts.burstWindowMs / 1000,
    );
    if (best.length < opts.burstMinConnections) continue;
    const first = best[0]!;
    const params = {
      client: first.clientIp,
      server: first.server,
      connections: best.length,
      windowMs: msBetween(first.start, best[best.length - 1]!.start),
      first: clock(first.start),
    };
    const d = diag(ANALYSIS_DIAGNOSTICS, 'analysis.churn.burst', params, {
      connection: first.id,
      time: first.start,
    });
    d.evidence = { ...d.evidence, connectionIds: best.map((c) => c.id) };
    out.push(d);
  }
  return out;
}

/**
 * The largest set of connections all open at one instant (the start of the latest of them) and all opened
 * within `window` seconds before it.
 */
function largestBurst(sorted: ConnectionSummary[], window: number): ConnectionSummary[] {
  let best: ConnectionSummary[] = [];
  let from = 0;
  for (let j = 0; j < sorted.length; j++) {
    const t = sorted[j]!.start;
    while (sorted[from]!.start < t - window) from++;
    const open = sorted.slice(from, j + 1).filter((c) => c.end >= t);
    if (open.length > best.length) best = open;
  }
  return best;
}
