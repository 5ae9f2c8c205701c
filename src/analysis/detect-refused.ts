import { ANALYSIS_DIAGNOSTICS } from '../diagnostics/analysis.js';
import { diag } from '../diagnostics/make.js';
import type { Diagnostic } from '../diagnostics/types.js';
import { groupBy, type ConnectionSummary } from './capture-facts.js';
import { clock, msBetween } from './format.js';

/**
 * TCP connections refused (SYN answered by RST), grouped per client and server endpoint; when that server
 * had sent GOAWAY on another connection before, the refusal is the end of its shutdown.
 */
export function detectRefusedConnections(conns: ConnectionSummary[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const refused = conns.filter((c) => c.refused);
  for (const list of groupBy(refused, (c) => `${c.clientIp} ${c.server}`).values()) {
    const first = list[0]!;
    const goaway = conns
      .filter((c) => c.server === first.server && c.id !== first.id)
      .flatMap((c) => c.serverGoaways.map((time) => ({ time, id: c.id })))
      .filter((g) => g.time <= first.start)
      .sort((a, b) => b.time - a.time)[0];
    const goawayNote =
      goaway === undefined
        ? ''
        : `, ${msBetween(goaway.time, first.start)} ms after that server sent GOAWAY on ${goaway.id}: it was shutting down or restarting`;
    const params = {
      server: first.server,
      client: first.clientIp,
      count: list.length,
      first: clock(first.start),
      goawayNote,
      goawayConnection: goaway?.id,
    };
    const d = diag(ANALYSIS_DIAGNOSTICS, 'analysis.connection.refused', params, {
      connection: first.id,
      time: first.start,
    });
    d.evidence = { ...d.evidence, connectionIds: list.map((c) => c.id) };
    out.push(d);
  }
  return out;
}
