import { ANALYSIS_DIAGNOSTICS } from '../diagnostics/analysis.js';
import { diag } from '../diagnostics/make.js';
import type { Diagnostic } from '../diagnostics/types.js';
import { byRef, type CaptureAggregate, type ServiceServerFacts } from './capture-aggregate.js';
import { groupBy, type ConnectionSummary } from './capture-facts.js';
import type { AnalysisOptions } from './options.js';

export interface Share {
  key: string;
  calls: number;
  /** The connection to point the diagnostic at. */
  connection: { id: string; start: number };
}

function shares(list: Share[], total: number): string {
  return list.map((s) => `${s.key} ${s.calls} (${Math.round((s.calls / total) * 100)}%)`).join(', ');
}

function servicesOf(conns: ConnectionSummary[]): string[] {
  return [...new Set(conns.flatMap((c) => [...c.services.keys()]))];
}

/** Calls of one gRPC service very unevenly spread over several server endpoints. */
export function detectEndpointImbalance(
  facts: CaptureAggregate,
  opts: AnalysisOptions,
  /** Endpoints of L7 proxies that relayed calls: not backends of the service. */
  proxies: ReadonlySet<string> = new Set(),
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const services = [...facts.services].sort(([, a], [, b]) => byRef({ first: a }, { first: b }));
  const byService = new Map<string, ServiceServerFacts[]>(services.map(([s]) => [s, []]));
  for (const s of facts.serviceServers.values())
    if (!proxies.has(s.server)) byService.get(s.service)?.push(s);
  for (const [service, servers] of byService) {
    const list: Share[] = servers.sort(byRef).map((s) => ({
      key: s.server,
      calls: s.calls,
      connection: { id: s.busiest.id, start: s.busiest.start },
    }));
    const d = endpointImbalance(service, list, opts);
    if (d !== null) out.push(d);
  }
  return out;
}

/** One service's calls per server endpoint (in capture order), judged; null when spread evenly enough. */
export function endpointImbalance(service: string, list: Share[], opts: AnalysisOptions): Diagnostic | null {
  const d = unequal(list, opts);
  if (d === null || list.length < 2) return null;
  const params = {
    service,
    endpoints: list.length,
    shares: shares(d.sorted, d.total),
    ratio: d.ratio,
    calls: d.total,
  };
  return diag(ANALYSIS_DIAGNOSTICS, 'analysis.imbalance.endpoints', params, {
    connection: d.sorted[0]!.connection.id,
    time: d.sorted[0]!.connection.start,
  });
}

/**
 * Calls of one service over several connections from one client to the same server endpoint that were
 * open at the same time as the busiest one, with one carrying nearly all of them (pinning behind one
 * address).
 */
export function detectPinnedConnection(conns: ConnectionSummary[], opts: AnalysisOptions): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const service of servicesOf(conns)) {
    for (const cs of groupBy(conns, (c) => `${c.clientIp} ${c.server}`).values()) {
      const carrying = cs.filter((c) => (c.services.get(service) ?? 0) > 0);
      if (carrying.length === 0) continue;
      const busiest = carrying.reduce((a, c) =>
        (c.services.get(service) ?? 0) > (a.services.get(service) ?? 0) ? c : a,
      );
      // Idle HTTP/2 connections to the same endpoint that overlapped the busiest one count (with 0 calls).
      const peers = cs.filter((c) => c.http2 && c.start <= busiest.end && c.end >= busiest.start);
      const list = peers.map((c) => ({ id: c.id, start: c.start, calls: c.services.get(service) ?? 0 }));
      const d = pinnedImbalance(service, cs[0]!.server, list, opts);
      if (d !== null) out.push(d);
    }
  }
  return out;
}

/**
 * One service's calls over connections from one client to one server endpoint open together (in capture
 * order), judged; null with fewer than two connections or an even enough spread.
 */
export function pinnedImbalance(
  service: string,
  server: string,
  conns: Array<{ id: string; start: number; calls: number }>,
  opts: AnalysisOptions,
): Diagnostic | null {
  if (conns.length < 2) return null;
  const list = conns.map((c) => ({ key: c.id, calls: c.calls, connection: c }));
  const d = unequal(list, opts);
  if (d === null) return null;
  // The busiest: the first in capture order among those with the most calls.
  const busiest = list.reduce((a, c) => (c.calls > a.calls ? c : a));
  const params = {
    service,
    server,
    connections: list.length,
    busiest: busiest.key,
    share: Math.round((busiest.calls / d.total) * 100),
    calls: d.total,
    shares: shares(d.sorted, d.total),
    ratio: d.ratio,
  };
  return diag(ANALYSIS_DIAGNOSTICS, 'analysis.imbalance.pinned', params, {
    connection: busiest.key,
    time: busiest.connection.start,
  });
}

/** Enough calls, and the busiest has at least `imbalanceMinRatio` times the quietest (or the quietest none). */
function unequal(
  list: Share[],
  opts: AnalysisOptions,
): { sorted: Share[]; total: number; ratio: number | string } | null {
  const total = list.reduce((a, s) => a + s.calls, 0);
  if (list.length < 2 || total < opts.imbalanceMinCalls) return null;
  const sorted = [...list].sort((a, b) => b.calls - a.calls);
  const max = sorted[0]!.calls;
  const min = sorted[sorted.length - 1]!.calls;
  if (min > 0 && max / min < opts.imbalanceMinRatio) return null;
  return { sorted, total, ratio: min === 0 ? 'infinite' : Math.round((max / min) * 10) / 10 };
}
