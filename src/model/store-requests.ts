/**
 * HTTP/2 requests that are not gRPC calls (curl, browsers, REST over h2): one row each for the Calls
 * screen, from the connection analysis's streams (request line, states, reset, refused) and the stream's
 * frames (:authority, :status, DATA bytes). Known once the connection has ended (its record carries the
 * streams).
 */
import type { StreamRecord } from '../records/records.js';
import { callKey, compare, connectionNumber, type CallColumn, type SortSpec } from './store-selectors.js';
import type { CaptureStore, ConnectionEntry } from './store.js';

export interface HttpRequestRow {
  connection: string;
  /** The connection's ordinal in the store. */
  ordinal: number;
  stream: number;
  /** "GET /index.html" */
  request: string;
  authority: string | null;
  /** :status of the response, null when none was seen. */
  status: number | null;
  outcome: 'ok' | 'http-error' | 'reset' | 'refused' | 'incomplete';
  start: number;
  end: number;
  durationMs: number;
  /** DATA payload bytes, both directions. */
  bytes: number;
  /** Frame number of the stream's first frame, and its row in the connection's flow graph. */
  firstFrame: number;
  firstRow: number;
  /** RST_STREAM error code, when the stream was reset. */
  resetCode: string | null;
}

interface StreamFrames {
  firstRow: number;
  first: number;
  last: number;
  authority: string | null;
  status: number | null;
  bytes: number;
}

/** One pass over a connection's frames, for the streams asked about. */
function scanStreams(
  store: CaptureStore,
  entry: ConnectionEntry,
  wanted: Set<number>,
): Map<number, StreamFrames> {
  const out = new Map<number, StreamFrames>();
  const frames = store.frames;
  for (let row = 0; row < entry.frames.length; row++) {
    const n = entry.frames.get(row);
    const stream = frames.stream.get(n);
    if (!wanted.has(stream)) continue;
    const time = frames.time.get(n);
    let s = out.get(stream);
    if (!s)
      out.set(
        stream,
        (s = { firstRow: row, first: time, last: time, authority: null, status: null, bytes: 0 }),
      );
    s.last = time;
    const headers = frames.headers(n);
    if (headers) {
      for (const [name, value] of headers) {
        if (name === ':authority' && s.authority === null) s.authority = value;
        if (name === ':status' && s.status === null && /^\d{3}$/.test(value)) s.status = Number(value);
      }
    }
    if (frames.typeName(n) === 'DATA') s.bytes += frames.length.get(n);
  }
  return out;
}

function outcomeOf(rec: StreamRecord, status: number | null): HttpRequestRow['outcome'] {
  if (rec.refused) return 'refused';
  if (rec.reset) return 'reset';
  if (rec.state !== 'closed') return 'incomplete';
  return status !== null && status >= 400 ? 'http-error' : 'ok';
}

export function connectionRequests(store: CaptureStore, entry: ConnectionEntry): HttpRequestRow[] {
  const streams = (entry.record?.streams ?? []).filter(
    (s) => s.request !== null && store.callAt(entry.id, s.id) === undefined,
  );
  if (streams.length === 0) return [];
  const scanned = scanStreams(store, entry, new Set(streams.map((s) => s.id)));
  const rows: HttpRequestRow[] = [];
  for (const rec of streams) {
    const f = scanned.get(rec.id);
    if (!f) continue;
    rows.push({
      connection: entry.id,
      ordinal: entry.ordinal,
      stream: rec.id,
      request: rec.request!,
      authority: f.authority,
      status: f.status,
      outcome: outcomeOf(rec, f.status),
      start: f.first,
      end: f.last,
      durationMs: (f.last - f.first) * 1000,
      bytes: f.bytes,
      firstFrame: entry.frames.get(f.firstRow),
      firstRow: f.firstRow,
      resetCode: rec.reset?.errorCode ?? null,
    });
  }
  return rows;
}

/** Every non-gRPC HTTP/2 request of the ended connections, in connection order. */
export function selectHttpRequests(store: CaptureStore): HttpRequestRow[] {
  return store.connections.flatMap((entry) => connectionRequests(store, entry));
}

/** Sort keys comparable with callKey's: HTTP statuses sort after every gRPC status (0-16). */
export function requestKey(r: HttpRequestRow, column: CallColumn): number | string {
  switch (column) {
    case 'time':
      return r.start;
    case 'connection':
      return connectionNumber(r.connection);
    case 'stream':
      return r.stream;
    case 'method':
      return r.request;
    case 'status':
      return r.status === null ? -1 : 1000 + r.status;
    case 'outcome':
      return r.outcome;
    case 'duration':
      return r.durationMs;
    case 'requests':
    case 'responses':
      return 1;
    case 'bytes':
      return r.bytes;
  }
}

export type CallRowRef = { kind: 'call'; index: number } | { kind: 'request'; index: number };

/**
 * gRPC calls (already sorted, from selectCallRows) merged with HTTP requests in the same order: one
 * sort of the (few) requests and a linear merge, so a capture of 100k calls and one curl request is not
 * sorted twice.
 */
export function mergeCallRows(
  store: CaptureStore,
  calls: Uint32Array,
  requests: HttpRequestRow[],
  sort: SortSpec<CallColumn>,
): CallRowRef[] {
  const sign = sort.descending ? -1 : 1;
  const req = requests.map((_, i) => i);
  const rkey = requests.map((r) => requestKey(r, sort.column));
  req.sort((a, b) => sign * compare(rkey[a]!, rkey[b]!) || requests[a]!.start - requests[b]!.start);
  const out: CallRowRef[] = [];
  let i = 0;
  let j = 0;
  while (i < calls.length || j < req.length) {
    const c = i < calls.length ? store.callRow(calls[i]!, false) : null;
    const r = j < req.length ? requests[req[j]!]! : null;
    const takeCall =
      c !== null &&
      (r === null || (sign * compare(callKey(c, sort.column), rkey[req[j]!]!) || c.start - r.start) <= 0);
    if (takeCall) out.push({ kind: 'call', index: calls[i++]! });
    else out.push({ kind: 'request', index: req[j++]! });
  }
  return out;
}
