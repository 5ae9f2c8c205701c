/**
 * Where a call's time went, from the wire (issue #16): the call's interval is cut into request, server and
 * response phases at the client's END_STREAM and the first response HEADERS, and from those phases the
 * time the bytes stood still is taken out, by priority: TCP retransmissions on the connection (every stream
 * waits behind a lost segment), then flow-control waits of the call's own DATA, client's then server's.
 * Pure: times in, numbers out; the times come from src/analysis/latency-observer.ts.
 */
import type { CallLatency, CallLatencyComponent, CallSetup } from '../records/call.js';

/** A half-open interval of capture time (seconds). */
export interface Span {
  start: number;
  end: number;
}

export interface LatencyInput {
  start: number;
  end: number;
  /** The client's END_STREAM on the call's stream, when seen. */
  requestEnd: number | null;
  /** The first response HEADERS, when seen. */
  responseHeaders: number | null;
  retransmissions: readonly Span[];
  clientStalls: readonly Span[];
  serverStalls: readonly Span[];
  setup: CallSetup | null;
  streamLimit: { limit: number; fullMs: number } | null;
}

const PRIORITY = ['retransmission', 'clientFlowWait', 'serverFlowWait'] as const;
type Wait = (typeof PRIORITY)[number];

export function callLatency(input: LatencyInput): CallLatency {
  const { start, end } = input;
  const waitSpans = input.retransmissions.length + input.clientStalls.length + input.serverStalls.length;
  // The common case (no loss, no window waits): the phases as they are, without cutting.
  if (waitSpans === 0) return finish(input, uncut(input));
  const phases = phaseSpans(input);
  const totals: Record<CallLatencyComponent, number> = {
    request: 0,
    server: 0,
    response: 0,
    clientFlowWait: 0,
    serverFlowWait: 0,
    retransmission: 0,
    unaccounted: 0,
  };
  const waits: Record<Wait, readonly Span[]> = {
    retransmission: input.retransmissions,
    clientFlowWait: input.clientStalls,
    serverFlowWait: input.serverStalls,
  };
  // Elementary pieces between every boundary: each gets the first wait covering it, else its phase.
  const cuts: number[] = [start, end];
  for (const p of phases) cuts.push(p.start, p.end);
  for (const w of PRIORITY)
    for (const s of waits[w]) if (s.end > start && s.start < end) cuts.push(s.start, s.end);
  const points = distinctInOrder(cuts, start, end);
  const covering = waitOfPieces(points, waits);
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i]!;
    const b = points[i + 1]!;
    const mid = (a + b) / 2;
    let phase: (typeof phases)[number] | undefined;
    for (const p of phases)
      if (p.start <= mid && mid < p.end) {
        phase = p;
        break;
      }
    const wait =
      covering !== null
        ? covering[i]
        : PRIORITY.find((w) => waits[w].some((s) => s.start <= mid && mid < s.end));
    totals[wait ?? phase?.name ?? 'unaccounted'] += b - a;
  }
  return finish(input, totals);
}

/**
 * The times of `cuts` within [start, end], ascending, each once: in one array sorted in place, where a Set,
 * its copy and a filtered copy were made per call. The sort is stable, so of equal times (0 and -0) the
 * first given stays, as the Set kept it.
 */
function distinctInOrder(cuts: number[], start: number, end: number): number[] {
  let n = 0;
  for (const t of cuts) if (t >= start && t <= end) cuts[n++] = t;
  cuts.length = n;
  cuts.sort((a, b) => a - b);
  let m = 0;
  for (let i = 0; i < n; i++) if (m === 0 || cuts[i] !== cuts[m - 1]) cuts[m++] = cuts[i]!;
  cuts.length = m;
  return cuts;
}

/**
 * The first wait (in PRIORITY order) covering each piece between neighbouring `points`, found span by
 * span over the pieces it covers rather than by testing every span at every piece (a server stream keeps
 * up to 64 waits a side: thousands of pieces times a hundred spans, once per call). Every span that meets
 * the call has both ends among the points, so it covers a piece exactly when it contains the piece's
 * midpoint, the test it replaces; null (the caller tests midpoints) when a midpoint is not strictly inside
 * its piece, as for neighbouring doubles, where the two could differ.
 */
function waitOfPieces(
  points: readonly number[],
  waits: Record<Wait, readonly Span[]>,
): Array<Wait | undefined> | null {
  const n = points.length;
  const index = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const a = points[i]!;
    if (i + 1 < n) {
      const mid = (a + points[i + 1]!) / 2;
      if (!(a < mid && mid < points[i + 1]!)) return null;
    }
    index.set(a, i);
  }
  const out = new Array<Wait | undefined>(Math.max(0, n - 1)).fill(undefined);
  if (n < 2) return out;
  const first = points[0]!;
  const last = points[n - 1]!;
  for (const w of PRIORITY)
    for (const s of waits[w]) {
      if (!(s.end > first && s.start < last)) continue;
      const from = s.start <= first ? 0 : index.get(s.start);
      const to = s.end >= last ? n - 1 : index.get(s.end);
      if (from === undefined || to === undefined) return null;
      for (let j = from; j < to; j++) out[j] ??= w;
    }
  return out;
}

/**
 * The totals of a call without waits: phaseSpans' phases added up with the same arithmetic in the same
 * order (the figures stay bit for bit the same), without the span objects and list, once per call.
 */
function uncut(input: LatencyInput): Record<CallLatencyComponent, number> {
  const { start, end, requestEnd: q, responseHeaders: h } = input;
  let request = 0;
  let server = 0;
  let response = 0;
  let covered = 0;
  if (q === null) {
    if (h !== null) {
      const d = end - Math.min(end, Math.max(start, h));
      response += d;
      covered += d;
    }
  } else {
    const qe = Math.min(end, Math.max(start, q));
    request += qe - start;
    covered += qe - start;
    if (h === null || h >= end) {
      server += end - qe;
      covered += end - qe;
    } else if (h > qe) {
      server += h - qe;
      covered += h - qe;
      response += end - h;
      covered += end - h;
    } else {
      response += end - qe;
      covered += end - qe;
    }
  }
  const unaccounted = Math.max(0, end - start - covered);
  return {
    request,
    server,
    response,
    clientFlowWait: 0,
    serverFlowWait: 0,
    retransmission: 0,
    unaccounted,
  };
}

function finish(input: LatencyInput, totals: Record<CallLatencyComponent, number>): CallLatency {
  // Plain fields and one comparison chain: this runs once per call (200k calls on the bench captures).
  const durationMs = roundMs((input.end - input.start) * 1000);
  const requestMs = roundMs(totals.request * 1000);
  const serverMs = roundMs(totals.server * 1000);
  const responseMs = roundMs(totals.response * 1000);
  const clientFlowWaitMs = roundMs(totals.clientFlowWait * 1000);
  const serverFlowWaitMs = roundMs(totals.serverFlowWait * 1000);
  const retransmissionMs = roundMs(totals.retransmission * 1000);
  const sum = requestMs + serverMs + responseMs + clientFlowWaitMs + serverFlowWaitMs + retransmissionMs;
  const unaccountedMs = roundMs(Math.max(0, durationMs - sum));
  let dominant: CallLatencyComponent = 'request';
  let max = requestMs;
  if (serverMs > max) [dominant, max] = ['server', serverMs];
  if (responseMs > max) [dominant, max] = ['response', responseMs];
  if (clientFlowWaitMs > max) [dominant, max] = ['clientFlowWait', clientFlowWaitMs];
  if (serverFlowWaitMs > max) [dominant, max] = ['serverFlowWait', serverFlowWaitMs];
  if (retransmissionMs > max) [dominant, max] = ['retransmission', retransmissionMs];
  if (unaccountedMs > max) dominant = 'unaccounted';
  const out: CallLatency = {
    requestMs,
    serverMs,
    responseMs,
    clientFlowWaitMs,
    serverFlowWaitMs,
    retransmissionMs,
    unaccountedMs,
    dominant,
    setup: input.setup,
    streamLimit: input.streamLimit,
  };
  if (totals.unaccounted > 0) {
    const reason = unaccountedReason(input);
    if (reason !== null) out.unaccountedReason = reason;
  }
  return out;
}

function phaseSpans(input: LatencyInput): Array<Span & { name: 'request' | 'server' | 'response' }> {
  const { start, end, requestEnd: q, responseHeaders: h } = input;
  const clip = (t: number): number => Math.min(end, Math.max(start, t));
  if (q === null) {
    // The request never ended on the wire (cancelled, a stream still open): only the response is known.
    return h === null ? [] : [{ name: 'response', start: clip(h), end }];
  }
  const qe = clip(q);
  const spans: Array<Span & { name: 'request' | 'server' | 'response' }> = [
    { name: 'request', start, end: qe },
  ];
  if (h === null || h >= end) spans.push({ name: 'server', start: qe, end });
  else if (h > qe) spans.push({ name: 'server', start: qe, end: h }, { name: 'response', start: h, end });
  else spans.push({ name: 'response', start: qe, end });
  return spans;
}

function unaccountedReason(input: LatencyInput): string | null {
  if (input.requestEnd === null && input.responseHeaders === null)
    return 'neither the request end nor response headers were seen';
  if (input.requestEnd === null) return 'the request end (END_STREAM) was not seen';
  return null;
}

export function roundMs(value: number): number {
  return Math.round(value * 1000) / 1000;
}
