import { ANALYSIS_DIAGNOSTICS } from '../diagnostics/analysis.js';
import { diag } from '../diagnostics/make.js';
import type { Diagnostic } from '../diagnostics/types.js';
import type { GoawayRecord } from '../records/records.js';
import type { TriggerKind } from './abuse-trigger.js';
import type { ConnectionFacts } from './connection-facts.js';
import { errorMeaning } from './error-meanings.js';
import { listSome } from './format.js';
import { peerOf } from './stream-states.js';

/** Session diagnostics that explain why a client gave up right after its preface. */
const HANDSHAKE_FAILURES = new Set([
  'session.no-server-settings',
  'session.preface-http1-reply',
  'session.bad-server-preface',
  'session.preface-http1-error-page',
  'session.http1-client-h2-server',
]);

/** GOAWAY with an error code: what it means, and the likely cause the frames show (RFC 9113 §6.8, §7). */
export function detectGoawayErrors(facts: ConnectionFacts): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const g of facts.goaways) {
    if (g.phase === 'repeat' || g.errorCode === 'NO_ERROR') continue;
    out.push(goawayError(facts, g));
  }
  return out;
}

function goawayError(facts: ConnectionFacts, g: GoawayRecord): Diagnostic {
  const peer = peerOf(g.from);
  const base = { from: g.from, peer, debug: g.debugData, lastStreamId: g.lastStreamId };
  const where = { connection: facts.id, time: g.time };
  const T = ANALYSIS_DIAGNOSTICS;
  switch (g.errorCode) {
    case 'ENHANCE_YOUR_CALM':
      if (isTooManyPings(g)) return tooManyPings(facts.id, facts.pings, g);
      return diag(T, 'analysis.goaway.enhance-your-calm', { ...base, ...triggerParams(facts, g) }, where);
    case 'PROTOCOL_ERROR':
      return diag(T, 'analysis.goaway.protocol-error', { ...base, cause: protocolCause(facts, g) }, where);
    case 'FLOW_CONTROL_ERROR':
      return diag(T, 'analysis.goaway.flow-control-error', { ...base, cause: flowCause(facts, g) }, where);
    case 'COMPRESSION_ERROR':
      return diag(T, 'analysis.goaway.compression-error', { ...base, cause: hpackCause(facts, g) }, where);
    default: {
      const handshake = facts.seen.find((s) => HANDSHAKE_FAILURES.has(s.code));
      const cause = handshake
        ? ` It follows "${handshake.title}" (${handshake.code}) on this connection.`
        : abuseCause(facts, g);
      // A client closing after its preface got no HTTP/2 answer is reporting the server, whatever code it
      // picked (grpc-js says INTERNAL_ERROR): not a fault of its own.
      const meaning =
        handshake !== undefined && g.from === 'client'
          ? `the client gave up because the server did not answer its preface with HTTP/2; ${g.errorCode} is how this client reports that, not a fault of its own.`
          : errorMeaning(g.errorCode);
      const params = { ...base, errorCode: g.errorCode, meaning, cause };
      return diag(T, 'analysis.goaway.error', params, where);
    }
  }
}

/** ENHANCE_YOUR_CALM "too_many_pings": the peer's keepalive is more frequent than this side allows. */
export function isTooManyPings(g: Pick<GoawayRecord, 'errorCode' | 'debugData'>): boolean {
  return g.errorCode === 'ENHANCE_YOUR_CALM' && g.debugData.includes('too_many_pings');
}

/**
 * The too_many_pings GOAWAY with the peer's PINGs so far: raised at the GOAWAY frame (ConnectionAnalyzer),
 * since a connection told so may stay open for its calls in flight; the end does not repeat it.
 */
export function tooManyPings(
  id: string,
  pings: ConnectionFacts['pings'],
  g: Pick<GoawayRecord, 'from' | 'time' | 'debugData' | 'lastStreamId'>,
): Diagnostic {
  const peer = peerOf(g.from);
  const interval = pings.idleInterval(peer);
  const params = {
    from: g.from,
    peer,
    debug: g.debugData,
    lastStreamId: g.lastStreamId,
    peerPings: pings.sent(peer),
    idlePings: pings.idlePings(peer).length,
    intervalMs: interval ?? 'unknown',
  };
  return diag(ANALYSIS_DIAGNOSTICS, 'analysis.goaway.too-many-pings', params, {
    connection: id,
    time: g.time,
  });
}

/** The GOAWAY's most likely trigger among the peer's patterns (abuse-trigger.ts), as message params. */
function triggerParams(facts: ConnectionFacts, g: GoawayRecord): Record<string, string | number> {
  const t = facts.abuse.trigger(g.frame);
  if (t === undefined)
    return { trigger: 'unknown', triggerText: TRIGGER_TEXT.unknown, triggerEvidence: '-', enforcement: '-' };
  return {
    trigger: t.kind,
    triggerText: TRIGGER_TEXT[t.kind],
    triggerEvidence: t.evidence,
    pressure: t.pressure,
    enforcement: t.enforcement,
  };
}

/**
 * Other error codes close abusive connections too (nghttp2, and so Node and grpc-js, answer a reset flood
 * or a PING flood with GOAWAY INTERNAL_ERROR): name the pattern when one was at its limit.
 */
function abuseCause(facts: ConnectionFacts, g: GoawayRecord): string {
  const t = facts.abuse.trigger(g.frame);
  if (t === undefined || t.kind === 'unknown' || t.kind === 'load' || t.pressure < 0.9) return '';
  return (
    ` It follows the ${peerOf(g.from)}'s ${TRIGGER_TEXT[t.kind]} (${t.evidence}): the ${g.from} most ` +
    `likely closed the connection by ${t.enforcement}.`
  );
}

const TRIGGER_TEXT: Record<TriggerKind, string> = {
  pings: 'PINGs',
  resets: 'Rapid Reset (streams reset right after opening)',
  settings: 'SETTINGS frames',
  continuations: 'CONTINUATION frames',
  hpack: 'HPACK bomb',
  'empty-frames': 'empty frames',
  'window-updates': 'WINDOW_UPDATE frames',
  load: 'rate of new streams (load)',
  unknown: 'unknown',
};

/** PROTOCOL_ERROR: a failed handshake, a malformed frame from the peer, or a stream state violation. */
function protocolCause(facts: ConnectionFacts, g: GoawayRecord): string {
  const peer = peerOf(g.from);
  const handshake = facts.seen.find((s) => HANDSHAKE_FAILURES.has(s.code));
  if (handshake !== undefined)
    return `the connection preface was not answered with HTTP/2 ("${handshake.title}", ${handshake.code})`;
  const frame = facts.seen.find(
    (s) => s.from === peer && (s.code.startsWith('h2.frame.') || s.code.startsWith('h2.continuation')),
  );
  if (frame !== undefined) return `the ${peer} sent a malformed frame (${frame.code}: ${frame.message})`;
  const v = facts.violations.find((x) => x.from === peer && x.time <= g.time);
  if (v !== undefined)
    return `the ${peer} sent ${v.frame} on stream ${v.stream} in state ${v.state} (${v.rule})`;
  const over = facts.concurrency.exceeded.find((x) => x.initiator === peer);
  if (over !== undefined)
    return `the ${peer} opened stream ${over.stream} above the concurrency limit ${over.limit}`;
  return explained(g);
}

function flowCause(facts: ConnectionFacts, g: GoawayRecord): string {
  const peer = peerOf(g.from);
  const flow = facts.flow[peer];
  const o = flow.overruns[0];
  if (o !== undefined)
    return `the ${peer} sent ${o.length} bytes on stream ${o.stream} with ${o.available} bytes of ${o.window} window left`;
  const w = flow.overflows[0];
  if (w !== undefined) return `a WINDOW_UPDATE of ${w.increment} raised a window to ${w.value}`;
  if (!facts.exact)
    return `${explained(g)}; windows are estimates here (${facts.flowControl.note ?? 'inexact'})`;
  return explained(g);
}

function hpackCause(facts: ConnectionFacts, g: GoawayRecord): string {
  const peer = peerOf(g.from);
  const h = facts.seen.find((s) => s.from === peer && s.code.startsWith('h2.hpack'));
  if (h !== undefined)
    return `h2scope also found a problem in the ${peer}'s header blocks (${h.code}: ${h.message})`;
  return explained(g);
}

function explained(g: GoawayRecord): string {
  return g.debugData !== ''
    ? `the ${g.from}'s own explanation is "${g.debugData}"`
    : `not visible in the captured frames; the ${g.from}'s logs should say`;
}

/** Streams above a GOAWAY's last-stream-id: refused, never processed, safe to retry (RFC 9113 §6.8). */
export function detectRefusedByGoaway(facts: ConnectionFacts): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const from of ['client', 'server'] as const) {
    // The lowest last-stream-id from this side refuses the most: report that one, once.
    const g = facts.goaways
      .filter((x) => x.from === from && x.refused.length > 0)
      .sort((a, b) => a.lastStreamId - b.lastStreamId)[0];
    if (g === undefined) continue;
    const params = {
      from,
      peer: peerOf(from),
      errorCode: g.errorCode,
      lastStreamId: g.lastStreamId,
      count: g.refused.length,
      streams: listSome(g.refused.map((id) => describe(facts, id))),
    };
    const where = { connection: facts.id, stream: g.refused[0], time: g.time };
    out.push(diag(ANALYSIS_DIAGNOSTICS, 'analysis.goaway.refused-streams', params, where));
  }
  return out;
}

/** A NO_ERROR shutdown while streams were in flight, and how they ended. */
export function detectGracefulShutdown(facts: ConnectionFacts): Diagnostic[] {
  // RFC 9113 §6.8: in a two-step shutdown the 2^31-1 notice only warns; the GOAWAY that follows names the
  // real last stream, and the streams in flight are judged against that one.
  const graceful = facts.goaways.filter(
    (x) => x.errorCode === 'NO_ERROR' && x.phase !== 'repeat' && x.inFlight.length > 0,
  );
  const g = graceful.find((x) => x.phase !== 'notice') ?? graceful[0];
  if (g === undefined) return [];
  const twoStep = facts.goaways.some((x) => x.from === g.from && x.phase === 'notice')
    ? ', after a 2^31-1 notice: a two-step graceful shutdown'
    : '';
  const counts = new Map<string, number>();
  for (const s of g.inFlight) counts.set(s.outcome, (counts.get(s.outcome) ?? 0) + 1);
  const params = {
    from: g.from,
    lastStreamId: g.lastStreamId,
    twoStep,
    count: g.inFlight.length,
    streams: listSome(g.inFlight.map((s) => describe(facts, s.stream))),
    outcomes: [...counts].map(([k, n]) => `${n} ${k}`).join(', '),
  };
  const where = { connection: facts.id, stream: g.inFlight[0]?.stream, time: g.time };
  return [diag(ANALYSIS_DIAGNOSTICS, 'analysis.goaway.graceful-in-flight', params, where)];
}

/** "3 (POST /pkg.Svc/M)" */
export function describe(facts: ConnectionFacts, id: number): string {
  const request = facts.streams.get(id)?.request;
  return request ? `${id} (${request})` : String(id);
}
