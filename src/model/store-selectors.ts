/**
 * Pure selectors over the CaptureStore: what each screen lists, in which order, and where a reference
 * (a diagnostic, a call) leads. They read the store and return plain values or row indexes; the UI
 * memoizes them on `store.version`. Nothing here formats text for a terminal.
 */
import type { CallSummary } from '../records/call.js';
import { callFailed, callStatusUnknown, messageBytes, type CallRow } from './store-calls.js';
import { currentRecord, type CaptureStore, type ConnectionEntry } from './store.js';

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

export function callKey(c: CallRow, column: CallColumn): number | string {
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
      return c.requestBytes + c.responseBytes;
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
  keep: ((c: CallRow) => boolean) | null,
): Uint32Array {
  return new CallRowIndex(sort, keep).update(store);
}

/**
 * selectCallRows kept up to date as calls arrive: each update sorts only the calls that arrived since the
 * last one and merges them in, so a list of 200,000 calls that grows by a few hundred every redraw (a
 * large capture loading, a live capture) costs a merge, not a sort of everything.
 */
export class CallRowIndex {
  private rows: number[] = [];
  private keys: Array<number | string> = [];
  private seen = 0;
  private readonly sign: number;

  constructor(
    readonly sort: SortSpec<CallColumn>,
    private readonly keep: ((c: CallRow) => boolean) | null,
  ) {
    this.sign = sort.descending ? -1 : 1;
  }

  update(store: CaptureStore): Uint32Array {
    const rows: number[] = [];
    const keys: Array<number | string> = [];
    for (let i = this.seen; i < store.callCount; i++) {
      // Rows are built one at a time and dropped: the store keeps columns, not call objects.
      const row = store.callRow(i, this.keep !== null);
      if (this.keep && !this.keep(row)) continue;
      rows.push(i);
      keys.push(callKey(row, this.sort.column));
    }
    this.seen = store.callCount;
    const before = (ra: number, ka: number | string, rb: number, kb: number | string): number =>
      this.sign * compare(ka, kb) || store.callStart(ra) - store.callStart(rb) || ra - rb;
    const order = rows.map((_, j) => j);
    order.sort((x, y) => before(rows[x]!, keys[x]!, rows[y]!, keys[y]!));
    if (this.rows.length === 0) {
      this.rows = order.map((j) => rows[j]!);
      this.keys = order.map((j) => keys[j]!);
    } else if (order.length > 0) {
      const mergedRows: number[] = [];
      const mergedKeys: Array<number | string> = [];
      let a = 0;
      let b = 0;
      while (a < this.rows.length || b < order.length) {
        const takeOld =
          b >= order.length ||
          (a < this.rows.length &&
            before(this.rows[a]!, this.keys[a]!, rows[order[b]!]!, keys[order[b]!]!) <= 0);
        if (takeOld) {
          mergedRows.push(this.rows[a]!);
          mergedKeys.push(this.keys[a++]!);
        } else {
          mergedRows.push(rows[order[b]!]!);
          mergedKeys.push(keys[order[b++]!]!);
        }
      }
      this.rows = mergedRows;
      this.keys = mergedKeys;
    }
    return Uint32Array.from(this.rows);
  }
}

export { callFailed, callStatusUnknown, messageBytes };

/** callFailed of call `i`, from the store's columns. */
export function storeCallFailed(store: CaptureStore, i: number): boolean {
  return callFailed({ outcome: store.callOutcome(i), status: store.callStatus(i) });
}

/** Frame numbers of a call's stream, in order. */
export function selectCallFrames(
  store: CaptureStore,
  call: Pick<CallSummary, 'connection' | 'stream'>,
): number[] {
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
  /** Failed calls: the ERRORS of --summary's connection table (one value for one quantity). */
  errors: number;
  failedCalls: number;
  bytes: number | null;
  durationMs: number | null;
  diagnostics: ConnectionEntry['diagnostics'];
}

export function summarizeConnection(store: CaptureStore, entry: ConnectionEntry): ConnectionSummary {
  // An open connection shows its latest snapshot's figures (live captures); `open` is about the record.
  const rec = currentRecord(entry);
  let failedCalls = 0;
  for (const i of entry.calls) if (storeCallFailed(store, i)) failedCalls++;
  const start = rec?.start ?? entry.firstTime;
  const end = rec?.end ?? entry.lastTime;
  return {
    ordinal: entry.ordinal,
    id: entry.id,
    client: rec?.client ?? entry.peers?.client ?? null,
    server: rec?.server ?? entry.peers?.server ?? null,
    protocol: rec?.protocol ?? entry.peers?.protocol ?? null,
    open: entry.record === null,
    frames: entry.frames.length,
    calls: entry.calls.length,
    errors: failedCalls,
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
