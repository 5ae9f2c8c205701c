import { ANALYSIS_DIAGNOSTICS } from '../diagnostics/analysis.js';
import { diag } from '../diagnostics/make.js';
import type { Diagnostic } from '../diagnostics/types.js';
import type { ConnectionFacts } from './connection-facts.js';
import { msBetween } from './format.js';
import { peerOf } from './stream-states.js';

/**
 * SETTINGS never acknowledged although the peer spoke HTTP/2 and the connection went on (RFC 9113
 * §6.5.3). A peer that sent no frame at all is a failed handshake, which the session layer reports.
 */
export function detectUnacknowledgedSettings(facts: ConnectionFacts): Diagnostic[] {
  if (!facts.exact) return [];
  const out: Diagnostic[] = [];
  for (const from of ['client', 'server'] as const) {
    const peer = peerOf(from);
    if (facts.framesFrom[peer] === 0) continue;
    const first = facts.settings.unacknowledged(from)[0];
    if (first === undefined) continue;
    const afterMs = msBetween(first.time, facts.record.end);
    if (afterMs < facts.opts.settingsAckTimeoutMs) continue;
    const values = Object.entries(first.values)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    const params = { from, peer, frame: first.frame, values: values || 'no values', afterMs };
    out.push(
      diag(ANALYSIS_DIAGNOSTICS, 'analysis.settings.unacknowledged', params, {
        connection: facts.id,
        time: first.time,
      }),
    );
  }
  return out;
}
