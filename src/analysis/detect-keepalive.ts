import { ANALYSIS_DIAGNOSTICS } from '../diagnostics/analysis.js';
import { diag } from '../diagnostics/make.js';
import type { Diagnostic } from '../diagnostics/types.js';
import type { Role } from '../records/records.js';
import type { ConnectionFacts } from './connection-facts.js';
import { msBetween } from './format.js';
import { peerOf } from './stream-states.js';

const ROLES: readonly Role[] = ['client', 'server'];

/**
 * PINGs with no active stream more often than every 10 s (gRPC doc/keepalive.md: servers enforce a
 * minimum interval, 5 minutes by default, and answer abuse with GOAWAY ENHANCE_YOUR_CALM too_many_pings).
 */
export function detectFrequentPings(
  facts: Pick<ConnectionFacts, 'id' | 'opts' | 'pings'>,
  sides: readonly Role[] = ROLES,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const { idlePingMinCount, idlePingMinIntervalMs } = facts.opts;
  for (const from of sides) {
    const idle = facts.pings.idlePings(from);
    const interval = facts.pings.idleInterval(from);
    if (idle.length < idlePingMinCount || interval === null || interval >= idlePingMinIntervalMs) continue;
    const params = {
      from,
      pings: idle.length,
      intervalMs: interval,
      limitS: idlePingMinIntervalMs / 1000,
    };
    out.push(
      diag(ANALYSIS_DIAGNOSTICS, 'analysis.keepalive.too-frequent', params, {
        connection: facts.id,
        time: idle[0],
      }),
    );
  }
  return out;
}

/** PINGs that never got their ACK while the connection went on (RFC 9113 §6.7: a receiver must ACK). */
export function detectUnansweredPings(facts: ConnectionFacts): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const from of ['client', 'server'] as const) {
    const lost = facts.pings.unanswered(from, facts.record.end, facts.opts.pingAckTimeoutMs);
    const first = lost[0];
    if (first === undefined) continue;
    const params = {
      from,
      peer: peerOf(from),
      opaque: first.opaque,
      frame: first.frame,
      afterMs: msBetween(first.time, facts.record.end),
      unanswered: lost.length,
    };
    out.push(
      diag(ANALYSIS_DIAGNOSTICS, 'analysis.keepalive.ping-unanswered', params, {
        connection: facts.id,
        time: first.time,
      }),
    );
  }
  return out;
}

/** What the idle-drop detector reads: the connection's end, or (live) its first FIN or RST. */
export type IdleDropFacts = Pick<
  ConnectionFacts,
  'id' | 'opts' | 'reason' | 'lastActivity' | 'pingsRecord'
> & {
  record: { end: number };
  goaways: readonly unknown[];
  concurrency: { totalActive: number };
};

/**
 * A connection closed by FIN or RST, without GOAWAY, after a long time without activity. Raised at the
 * first FIN or RST (ConnectionAnalyzer), else at the end of the connection.
 */
export function detectIdleDrop(facts: IdleDropFacts): Diagnostic[] {
  const { record, reason, lastActivity } = facts;
  if ((reason !== 'fin' && reason !== 'rst') || facts.goaways.length > 0 || lastActivity === null) return [];
  if (facts.concurrency.totalActive > 0) return [];
  const idleMs = msBetween(lastActivity, record.end);
  if (idleMs < facts.opts.idleDropMinMs) return [];
  const pings = facts.pingsRecord;
  const sent = pings.client.sent + pings.server.sent;
  const unanswered = pings.client.unanswered + pings.server.unanswered;
  const pingNote =
    sent === 0
      ? ', and no keepalive PING was sent'
      : unanswered > 0
        ? `, and ${unanswered} keepalive PING(s) went unanswered`
        : `, although ${sent} keepalive PING(s) were answered`;
  const params = { how: reason === 'rst' ? 'RST' : 'FIN', idleMs, pingNote };
  return [
    diag(ANALYSIS_DIAGNOSTICS, 'analysis.keepalive.idle-dropped', params, {
      connection: facts.id,
      time: record.end,
    }),
  ];
}
