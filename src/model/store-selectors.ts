/**
 * Pure selectors over the CaptureStore: what each screen lists, in which order, and where a reference
 * (a diagnostic, a call) leads. They read the store and return plain values or row indexes; the UI
 * memoizes them on `store.version`. Nothing here formats text for a terminal.
 */
import { callNotOk, type CallRecord } from '../records/call.js';
import type { CaptureStore, ConnectionEntry } from './store.js';

// --- Calls ----------------------------------------------------------------------------------------------

export const CALL_COLUMNS = [
  'time',
  'connection',
  'stream',
  'method',
  'status',
  'outcome',
  'duration',
  'requests',
  'responses',
  'bytes',
] as const;
export type CallColumn = (typeof CALL_COLUMNS)[number];

export interface SortSpec<C extends string> {
  column: C;
  descending: boolean;
}

export function messageBytes(messages: CallRecord['requests']): number {
  let n = 0;
  for (const m of messages) n += m.length;
  return n;
}

export function callKey(c: CallRecord, column: CallColumn): number | string {
  switch (column) {
    case 'time':
      return c.start;
    case 'connection':
      return connectionNumber(c.connection);
    case 'stream':
      return c.stream;
    case 'method':
      return c.method ?? '';
    case 'status':
      return c.status ?? -1;
    case 'outcome':
      return c.outcome;
    case 'duration':
      return c.durationMs;
    case 'requests':
      return c.requestCount;
    case 'responses':
      return c.responseCount;
    case 'bytes':
      return messageBytes(c.requests) + messageBytes(c.responses);
  }
}

/** "c12" -> 12, so connections sort as numbers. */
export function connectionNumber(id: string): number {
  const n = Number(id.slice(1));
  return Number.isFinite(n) ? n : 0;
}

export function compare(a: number | string, b: number | string): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

/**
 * Call indexes, filtered by `keep` and sorted by a column; ties keep capture order (start time, then
 * index), so the list does not jump while a capture streams in.
 */
export function selectCallRows(
  store: CaptureStore,
  sort: SortSpec<CallColumn>,
  keep: ((c: CallRecord) => boolean) | null,
): Uint32Array {
  const calls = store.calls;
  const rows: number[] = [];
  for (let i = 0; i < calls.length; i++) if (!keep || keep(calls[i]!)) rows.push(i);
  const keys = rows.map((i) => callKey(calls[i]!, sort.column));
  const order = rows.map((_, j) => j);
  const sign = sort.descending ? -1 : 1;
  order.sort((x, y) => {
    const byKey = sign * compare(keys[x]!, keys[y]!);
    if (byKey !== 0) return byKey;
    const cx = calls[rows[x]!]!;
    const cy = calls[rows[y]!]!;
    return cx.start - cy.start || rows[x]! - rows[y]!;
  });
  return Uint32Array.from(order, (j) => rows[j]!);
}

/**
 * A call that did not succeed: anything but outcome ok with status 0, except a status the capture could
 * not show (outcome 'status-unknown', callNotOk), which is counted apart (callStatusUnknown).
 */
export function callFailed(c: CallRecord): boolean {
  return callNotOk(c) || (c.status !== null && c.status !== 0);
}

export function callStatusUnknown(c: CallRecord): boolean {
  return c.outcome === 'status-unknown';
}

/** Frame numbers of a call's stream, in order. */
export function selectCallFrames(store: CaptureStore, call: CallRecord): number[] {
  const entry = store.connectionById(call.connection);
  if (!entry) return [];
  const out: number[] = [];
  const frames = entry.frames;
  for (let i = 0; i < frames.length; i++) {
    const n = frames.get(i);
    if (store.frames.stream.get(n) === call.stream) out.push(n);
  }
  return out;
}

// --- Connections ----------------------------------------------------------------------------------------

export const CONNECTION_COLUMNS = [
  'id',
  'client',
  'server',
  'protocol',
  'calls',
  'errors',
  'bytes',
  'duration',
] as const;
export type ConnectionColumn = (typeof CONNECTION_COLUMNS)[number];

export interface ConnectionSummary {
  ordinal: number;
  id: string;
  client: string | null;
  server: string | null;
  protocol: string | null;
  /** True while the connection has not ended (live capture, or still reading). */
  open: boolean;
  frames: number;
  calls: number;
  /** Failed calls plus error diagnostics. */
  errors: number;
  failedCalls: number;
  bytes: number | null;
  durationMs: number | null;
  diagnostics: ConnectionEntry['diagnostics'];
}

export function summarizeConnection(store: CaptureStore, entry: ConnectionEntry): ConnectionSummary {
  const rec = entry.record;
  let failedCalls = 0;
  for (const i of entry.calls) if (callFailed(store.calls[i]!)) failedCalls++;
  const start = rec?.start ?? entry.firstTime;
  const end = rec?.end ?? entry.lastTime;
  return {
    ordinal: entry.ordinal,
    id: entry.id,
    client: rec?.client ?? entry.peers?.client ?? null,
    server: rec?.server ?? entry.peers?.server ?? null,
    protocol: rec?.protocol ?? entry.peers?.protocol ?? null,
    open: rec === null,
    frames: entry.frames.length,
    calls: entry.calls.length,
    errors: failedCalls + entry.diagnostics.error,
    failedCalls,
    bytes: rec ? rec.bytes.client + rec.bytes.server : null,
    durationMs: start !== null && end !== null ? (end - start) * 1000 : null,
    diagnostics: entry.diagnostics,
  };
}

function connectionKey(s: ConnectionSummary, column: ConnectionColumn): number | string {
  switch (column) {
    case 'id':
      return s.ordinal;
    case 'client':
      return s.client ?? '';
    case 'server':
      return s.server ?? '';
    case 'protocol':
      return s.protocol ?? '';
    case 'calls':
      return s.calls;
    case 'errors':
      return s.errors;
    case 'bytes':
      return s.bytes ?? -1;
    case 'duration':
      return s.durationMs ?? -1;
  }
}

/** Connection summaries, filtered and sorted (ties in order of appearance). */
export function selectConnectionRows(
  store: CaptureStore,
  sort: SortSpec<ConnectionColumn>,
  keep: ((s: ConnectionSummary, entry: ConnectionEntry) => boolean) | null,
): ConnectionSummary[] {
  const rows: ConnectionSummary[] = [];
  for (const entry of store.connections) {
    const s = summarizeConnection(store, entry);
    if (!keep || keep(s, entry)) rows.push(s);
  }
  const sign = sort.descending ? -1 : 1;
  return rows.sort(
    (a, b) =>
      sign * compare(connectionKey(a, sort.column), connectionKey(b, sort.column)) || a.ordinal - b.ordinal,
  );
}

// --- Frames ---------------------------------------------------------------------------------------------

/**
 * The frame numbers that pass a filter, extended as frames arrive: frames are append-only, so a filter
 * applied during a live capture only tests the new ones. `keep` null keeps every frame without an index.
 */
export class FrameFilterIndex {
  private readonly matches: number[] = [];
  private scanned = 0;

  constructor(readonly keep: ((frame: number) => boolean) | null) {}

  /**
   * Tests frames up to `count`, at most `budget` of them per call (a filter over a million frames is
   * applied in steps, so keys keep working meanwhile); returns the number of rows so far.
   */
  update(count: number, budget = Infinity): number {
    if (!this.keep) return (this.scanned = count);
    const end = Math.min(count, this.scanned + budget);
    for (let n = this.scanned; n < end; n++) if (this.keep(n)) this.matches.push(n);
    this.scanned = end;
    return this.matches.length;
  }

  /** Frames tested so far. */
  get tested(): number {
    return this.scanned;
  }

  get length(): number {
    return this.keep ? this.matches.length : this.scanned;
  }

  /** The frame number shown at row `row`. */
  frameAt(row: number): number {
    return this.keep ? (this.matches[row] ?? -1) : row < this.scanned ? row : -1;
  }

  /** The row showing frame `frame`, or the row of the first frame after it. */
  rowOf(frame: number): number {
    if (!this.keep) return Math.min(frame, Math.max(0, this.scanned - 1));
    let lo = 0;
    let hi = this.matches.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.matches[mid]! < frame) lo = mid + 1;
      else hi = mid;
    }
    return Math.min(lo, Math.max(0, this.matches.length - 1));
  }
}

/** RST_STREAM and GOAWAY with an error code other than NO_ERROR: where a connection or stream broke. */
export function frameIsError(store: CaptureStore, frame: number): boolean {
  const type = store.frames.typeName(frame);
  if (type !== 'RST_STREAM' && type !== 'GOAWAY') return false;
  return store.frames.record(frame).errorCode !== 'NO_ERROR';
}

/** The connection's frames of the given types, in order. */
export function selectFramesOfType(store: CaptureStore, entry: ConnectionEntry, types: string[]): number[] {
  const ids = types.map((t) => store.frames.typeNames.find(t)).filter((id) => id !== undefined);
  const out: number[] = [];
  for (let i = 0; i < entry.frames.length; i++) {
    const n = entry.frames.get(i);
    if (ids.includes(store.frames.type.get(n))) out.push(n);
  }
  return out;
}

export * from './store-diagnostics.js';
