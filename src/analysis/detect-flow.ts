import { ANALYSIS_DIAGNOSTICS } from '../diagnostics/analysis.js';
import { diag } from '../diagnostics/make.js';
import type { Diagnostic } from '../diagnostics/types.js';
import type { FlowDirectionRecord, Role, StallRecord, StreamFlowRecord } from '../records/records.js';
import type { ConnectionFacts } from './connection-facts.js';
import { DEFAULT_INITIAL_WINDOW_SIZE } from './flow-window.js';
import { median, msBetween, rate, roundMs } from './format.js';
import { peerOf } from './stream-states.js';

/** Suggested windows stop here: beyond 16 MiB a window hides a slow reader rather than a round trip. */
const MAX_SUGGESTED_WINDOW = 1 << 24;

/**
 * Long or repeated waits for window, per stream (RFC 9113 §5.2); a stream window set below the default
 * and run dry again and again is said as such (analysis.flow.small-window) instead, whatever the durations.
 */
export function detectStarvation(facts: ConnectionFacts): Diagnostic[] {
  if (!facts.exact) return [];
  const out: Diagnostic[] = [];
  for (const sender of ['client', 'server'] as const) {
    const dir = facts.flowControl[sender];
    // The listed waits by stream, once: each judgement below would scan the whole list (maxListed).
    const waits = new Map<number, StallRecord[]>();
    for (const x of dir.stalls) {
      const list = waits.get(x.stream);
      if (list === undefined) waits.set(x.stream, [x]);
      else list.push(x);
    }
    const NONE: StallRecord[] = [];
    for (const s of dir.streams) {
      const own = { stalls: waits.get(s.stream) ?? NONE, initialWindow: dir.initialWindow };
      // A starvation judged at the stream's close was raised then: building it again here only to drop it
      // cost as much as the first time (thousands of streams on a busy connection).
      const d =
        smallWindow(facts, sender, own, s) ??
        (facts.starvationJudged?.(sender, s.stream) === true ? null : starvation(facts, sender, own, s));
      if (d !== null) out.push(d);
    }
  }
  return out;
}

/**
 * The receiver lowered SETTINGS_INITIAL_WINDOW_SIZE below 65,535 and the sender used up the stream window
 * on most of its window-fulls: every one costs a round trip, which a loopback capture makes look short
 * (8,191 bytes over 100 KiB is a dozen waits in 15 ms) but a real link does not.
 */
function smallWindow(
  facts: ConnectionFacts,
  sender: Role,
  dir: StarvationDir,
  s: StreamFlowRecord,
): Diagnostic | null {
  const window = dir.initialWindow;
  if (window >= DEFAULT_INITIAL_WINDOW_SIZE || window <= 0 || s.first === null || s.last === null)
    return null;
  const stalls = dir.stalls.filter((x) => x.stream === s.stream && x.window !== 'connection');
  const windowFulls = Math.max(1, Math.floor(s.bytes / window));
  const { smallWindowMinStalls, smallWindowMinShare } = facts.opts;
  if (stalls.length < smallWindowMinStalls || stalls.length < windowFulls * smallWindowMinShare) return null;
  const durationMs = msBetween(s.first, s.last);
  const stalledMs = roundMs(stalls.reduce((sum, x) => sum + x.waitedMs, 0));
  const unblockedMs = Math.max(durationMs - stalledMs, 0);
  const unblocked = unblockedMs > 0 ? s.bytes / (unblockedMs / 1000) : null;
  const longestMs = Math.max(0, ...stalls.map((x) => x.waitedMs));
  const params = {
    sender,
    receiver: peerOf(sender),
    stream: s.stream,
    bytes: s.bytes,
    frames: s.frames,
    initialWindow: window,
    stalls: stalls.length,
    windowFulls,
    stalledMs,
    durationMs,
    suggestedWindow: Math.max(
      DEFAULT_INITIAL_WINDOW_SIZE,
      suggestWindow(s.bytes, window, unblocked, longestMs),
    ),
  };
  const where = { connection: facts.id, stream: s.stream, time: stalls[0]!.start };
  return diag(ANALYSIS_DIAGNOSTICS, 'analysis.flow.small-window', params, where);
}

/** What starvation() reads of a stream: its record without the window series (not built for this). */
export type StreamFlowFigures = Pick<
  StreamFlowRecord,
  'stream' | 'bytes' | 'first' | 'last' | 'stalls' | 'stalledMs'
>;

type StarvationDir = Pick<FlowDirectionRecord, 'stalls' | 'initialWindow'>;

/** The stream's listed waits and its transfer's duration when it starved, else null. */
function starvedFigures(
  opts: ConnectionFacts['opts'],
  dir: StarvationDir,
  s: StreamFlowFigures,
): { stalls: StallRecord[]; durationMs: number } | null {
  if (s.stalls === 0 || s.first === null || s.last === null) return null;
  const stalls = dir.stalls.filter((x) => x.stream === s.stream);
  // A first DATA that waited for window started its transfer when the wait began, not when it went out
  // (a unary request of one DATA frame that waited 245 ms took 245 ms, not 0). Past the listing cap the
  // waits' start is not kept: the transfer lasted at least as long as its waits.
  let from = s.first;
  for (const x of stalls) if (x.start < from) from = x.start;
  const durationMs = Math.max(msBetween(from, s.last), s.stalledMs);
  const { starvationMinMs, starvationMinFraction } = opts;
  if (s.stalledMs < starvationMinMs || s.stalledMs < durationMs * starvationMinFraction) return null;
  return { stalls, durationMs };
}

/**
 * Whether starvation() would find the stream starved, without building the diagnostic: past the per-code
 * cap it is only counted (DiagnosticBudget).
 */
export function isStarved(opts: ConnectionFacts['opts'], dir: StarvationDir, s: StreamFlowFigures): boolean {
  return starvedFigures(opts, dir, s) !== null;
}

/**
 * One stream's starvation, judged from its final figures: at its close (ConnectionAnalyzer), or at the
 * end of the connection for the streams still open then.
 */
export function starvation(
  facts: Pick<ConnectionFacts, 'id' | 'opts'>,
  sender: Role,
  dir: StarvationDir,
  s: StreamFlowFigures,
): Diagnostic | null {
  const starved = starvedFigures(facts.opts, dir, s);
  if (starved === null || s.first === null) return null;
  const { stalls, durationMs } = starved;
  const seconds = durationMs / 1000;
  const unblockedSeconds = Math.max(durationMs - s.stalledMs, 0) / 1000;
  const unblocked = unblockedSeconds > 0 ? s.bytes / unblockedSeconds : null;
  const longestMs = Math.max(0, ...stalls.map((x) => x.waitedMs));
  const receiver = peerOf(sender);
  const params = {
    sender,
    receiver,
    stream: s.stream,
    bytes: s.bytes,
    durationMs,
    stalledMs: s.stalledMs,
    percent: durationMs > 0 ? Math.round((s.stalledMs / durationMs) * 100) : 100,
    stalls: s.stalls,
    window: windowKinds(stalls),
    longestMs,
    throughput: seconds > 0 ? rate(s.bytes / seconds) : 'n/a',
    unblockedThroughput: unblocked === null ? 'n/a' : rate(unblocked),
    rates:
      seconds > 0 && unblocked !== null
        ? `${rate(s.bytes / seconds)} instead of ${rate(unblocked)} without the waits`
        : 'all of its time was spent waiting: its DATA went out at once when the window opened',
    initialWindow: dir.initialWindow,
    defaultNote:
      dir.initialWindow === DEFAULT_INITIAL_WINDOW_SIZE ? ' (the RFC 9113 default, never raised)' : '',
    receiverDelayMs: roundMs(median(stalls.map((x) => msBetween(x.start, x.windowUpdate))) ?? 0),
    suggestedWindow: suggestWindow(s.bytes, dir.initialWindow, unblocked, longestMs),
  };
  const d = diag(ANALYSIS_DIAGNOSTICS, 'analysis.flow.starvation', params, {
    connection: facts.id,
    stream: s.stream,
    time: stalls[0]?.start ?? s.first,
  });
  d.evidence = { ...d.evidence, waitsMs: stalls.map((x) => x.waitedMs) };
  return d;
}

function windowKinds(stalls: StallRecord[]): string {
  const kinds = new Set(stalls.map((x) => x.window));
  if (kinds.has('both') || (kinds.has('stream') && kinds.has('connection'))) return 'stream and connection';
  return kinds.has('connection') ? 'connection' : 'stream';
}

/**
 * The window that would have covered the longest wait: what the sender could have sent at its unblocked
 * rate meanwhile, on top of what it had, but never more than the whole transfer; rounded up to a power of
 * two, at least twice the current window.
 */
export function suggestWindow(
  bytes: number,
  initial: number,
  unblocked: number | null,
  longestMs: number,
): number {
  const needed = unblocked === null ? bytes : Math.min(bytes, initial + (unblocked * longestMs) / 1000);
  let w = 1;
  while (w < Math.max(needed, 2 * initial) && w < MAX_SUGGESTED_WINDOW) w *= 2;
  return w;
}

/** DATA beyond the window: only on exact accounting (a lost WINDOW_UPDATE would look the same). */
export function detectOverruns(facts: ConnectionFacts): Diagnostic[] {
  if (!facts.exact) return [];
  const out: Diagnostic[] = [];
  for (const sender of ['client', 'server'] as const) {
    const flow = facts.flow[sender];
    const first = flow.overruns[0];
    if (first !== undefined) {
      const params = {
        sender,
        receiver: peerOf(sender),
        length: first.length,
        stream: first.stream,
        available: first.available,
        window: first.window,
        overruns: flow.overrunCount,
        frame: first.frame,
      };
      const where = { connection: facts.id, stream: first.stream, time: first.time };
      out.push(diag(ANALYSIS_DIAGNOSTICS, 'analysis.flow.window-overrun', params, where));
    }
    const over = flow.overflows[0];
    if (over !== undefined) {
      const params = {
        sender,
        receiver: peerOf(sender),
        increment: over.increment,
        stream: over.stream,
        window: over.stream === 0 ? 'connection' : 'stream',
        value: over.value,
      };
      const where = { connection: facts.id, stream: over.stream, time: over.time };
      out.push(diag(ANALYSIS_DIAGNOSTICS, 'analysis.flow.window-overflow', params, where));
    }
  }
  return out;
}
