import { ANALYSIS_DIAGNOSTICS } from '../diagnostics/analysis.js';
import { diag } from '../diagnostics/make.js';
import type { Diagnostic } from '../diagnostics/types.js';
import type { ConnectionFacts } from './connection-facts.js';
import { errorMeaning } from './error-meanings.js';
import { peerOf, type StreamEntry } from './stream-states.js';

/** Codes that end a stream without anything being wrong (or that have their own diagnostic). */
const QUIET_RESETS = new Set(['NO_ERROR', 'CANCEL', 'REFUSED_STREAM']);

function request(e: StreamEntry): string {
  return e.request ? ` (${e.request})` : '';
}

/** RST_STREAM REFUSED_STREAM: not processed, safe to retry (RFC 9113 §8.7). One per connection. */
export function detectRefusedStreams(facts: ConnectionFacts): Diagnostic[] {
  const refused: StreamEntry[] = [];
  for (const e of facts.streams.all()) if (e.refused === 'rst-stream' && e.reset !== null) refused.push(e);
  const first = refused.sort((a, b) => a.reset!.time - b.reset!.time)[0];
  if (first === undefined) return [];
  const params = { from: first.reset!.by, stream: first.id, request: request(first), count: refused.length };
  const where = { connection: facts.id, stream: first.id, time: first.reset!.time };
  return [diag(ANALYSIS_DIAGNOSTICS, 'analysis.stream.refused', params, where)];
}

/**
 * RST_STREAM with an error code on streams that are not gRPC calls (the gRPC layer reports its calls'
 * resets as grpc.call-reset).
 */
export function detectStreamResets(facts: ConnectionFacts): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const e of facts.streams.all()) {
    const r = e.reset;
    if (r === null || QUIET_RESETS.has(r.errorCode)) continue;
    if (facts.grpcResets.has(e.id)) continue;
    const params = { from: r.by, stream: e.id, request: request(e), errorCode: r.errorCode };
    const d = diag(
      ANALYSIS_DIAGNOSTICS,
      'analysis.stream.reset',
      { ...params, meaning: errorMeaning(r.errorCode) },
      { connection: facts.id, stream: e.id, time: r.time },
    );
    out.push(d);
  }
  return out;
}

/** SETTINGS_MAX_CONCURRENT_STREAMS reached (info) or exceeded (error, RFC 9113 §5.1.2). */
export function detectConcurrency(facts: ConnectionFacts): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const initiator of ['client', 'server'] as const) {
    const peer = peerOf(initiator);
    const over = facts.concurrency.exceeded.find((x) => x.initiator === initiator);
    if (over !== undefined && facts.exact) {
      const params = { initiator, peer, stream: over.stream, active: over.active, limit: over.limit };
      const where = { connection: facts.id, stream: over.stream, time: over.time };
      out.push(diag(ANALYSIS_DIAGNOSTICS, 'analysis.stream.concurrency-exceeded', params, where));
      continue;
    }
    const p = facts.concurrency.peak(initiator);
    if (p.limit === null || p.limit === 0 || p.peak < p.limit) continue;
    const params = { initiator, peer, peak: p.peak, limit: p.limit };
    const where = { connection: facts.id, time: p.time ?? undefined };
    out.push(diag(ANALYSIS_DIAGNOSTICS, 'analysis.stream.concurrency-limit', params, where));
  }
  return out;
}

/** Frames a side sent in a stream state that forbids them (RFC 9113 §5.1), first one per connection. */
export function detectBadStates(facts: ConnectionFacts): Diagnostic[] {
  const v = facts.violations[0];
  if (v === undefined || !facts.exact) return [];
  const params = {
    from: v.from,
    frame: v.frame,
    stream: v.stream,
    state: v.state,
    rule: v.rule,
    section: v.section,
    count: facts.violationCount,
  };
  return [
    diag(ANALYSIS_DIAGNOSTICS, 'analysis.stream.bad-state', params, {
      connection: facts.id,
      stream: v.stream,
      time: v.time,
    }),
  ];
}
