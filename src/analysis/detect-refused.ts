import { ANALYSIS_DIAGNOSTICS } from '../diagnostics/analysis.js';
import { diag } from '../diagnostics/make.js';
import type { Diagnostic } from '../diagnostics/types.js';
import { byRef, type CaptureAggregate } from './capture-aggregate.js';
import { groupBy } from './capture-facts.js';
import { clock, msBetween } from './format.js';

/**
 * TCP connections refused (SYN answered by RST), grouped per client and server endpoint; when that server
 * had sent GOAWAY on another connection before, the refusal is the end of its shutdown. For every pair (at
 * the end of the capture) or the one pair `only` (raised while the capture goes on: its count so far).
 */
export function detectRefusedConnections(facts: CaptureAggregate, only?: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const conns = facts.details;
  const ids = groupBy(
    conns.filter((c) => c.refused),
    (c) => `${c.clientIp} ${c.server}`,
  );
  const pairs = [...facts.pairs].filter(([key, p]) => p.refusedFirst !== null && (only ?? key) === key);
  pairs.sort(([, a], [, b]) => byRef({ first: a.refusedFirst! }, { first: b.refusedFirst! }));
  for (const [key, p] of pairs) {
    const first = { ...p.refusedFirst!, server: p.server };
    const list = ids.get(key) ?? [];
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
      client: p.clientIp,
      count: p.refused,
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
