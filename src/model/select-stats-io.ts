/**
 * The IO graph's series: calls (a call relayed by a proxy once), errors, bytes and RST_STREAM / GOAWAY
 * frames per time bucket over the capture, as Wireshark's Statistics > I/O Graphs. Computed on demand from the store's columns (frame
 * time, type and length; call start, end and outcome): one pass over the frames and one over the calls,
 * no record built, so a million frames cost a few milliseconds per redraw of the graph.
 */
import { callNotOk } from '../records/call.js';
import { relaysOf } from './store-relays.js';
import type { CaptureStore } from './store.js';

export interface IoSeries {
  /** Capture time of the first bucket's start, and the end of the last one. */
  t0: number;
  t1: number;
  /** Calls by the time they started. */
  calls: Float64Array;
  /** Calls that were not ok (callNotOk, as --summary counts errors), by the time they ended. */
  errors: Float64Array;
  /** HTTP/2 bytes on the wire (9-byte frame header + payload) by frame time. */
  bytes: Float64Array;
  /** RST_STREAM and GOAWAY frames by frame time. */
  resets: Float64Array;
  goaways: Float64Array;
}

const FRAME_HEADER = 9;

/** The time the store's frames and calls span, or null when it has none. */
export function ioSpan(store: CaptureStore): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  const time = store.frames.time;
  for (let n = 0; n < store.frames.count; n++) {
    const t = time.get(n);
    if (t < lo) lo = t;
    if (t > hi) hi = t;
  }
  for (let i = 0; i < store.callCount; i++) {
    const t = store.callStart(i);
    if (t < lo) lo = t;
    if (t > hi) hi = t;
  }
  const cap = store.captureRecord;
  if (cap?.start != null && cap.start < lo) lo = cap.start;
  if (cap?.end != null && cap.end > hi) hi = cap.end;
  return lo === Infinity ? null : [lo, hi];
}

export function selectIoSeries(store: CaptureStore, buckets: number): IoSeries | null {
  const span = ioSpan(store);
  if (!span || buckets < 1) return null;
  const [t0, end] = span;
  // The last frame falls inside the last bucket, not on its end.
  const t1 = end > t0 ? end + (end - t0) / (buckets * 1000) : t0 + 1e-3;
  const at = (t: number): number =>
    Math.max(0, Math.min(buckets - 1, Math.floor(((t - t0) / (t1 - t0)) * buckets)));
  const s: IoSeries = {
    t0,
    t1,
    calls: new Float64Array(buckets),
    errors: new Float64Array(buckets),
    bytes: new Float64Array(buckets),
    resets: new Float64Array(buckets),
    goaways: new Float64Array(buckets),
  };
  const f = store.frames;
  // Type ids of RST_STREAM and GOAWAY in the frame table's name pool, found as frames are read.
  const kind = new Int8Array(256).fill(-1);
  for (let n = 0; n < f.count; n++) {
    const b = at(f.time.get(n));
    s.bytes[b]! += f.length.get(n) + FRAME_HEADER;
    const type = f.type.get(n);
    if (kind[type] === -1) {
      const name = f.typeName(n);
      kind[type] = name === 'RST_STREAM' ? 1 : name === 'GOAWAY' ? 2 : 0;
    }
    if (kind[type] === 1) s.resets[b]!++;
    else if (kind[type] === 2) s.goaways[b]!++;
  }
  // A call relayed by a proxy counts once, as the client's call (its backend leg is the same call).
  const relays = relaysOf(store);
  for (let i = 0; i < store.callCount; i++) {
    if (relays.isLeg(i)) continue;
    s.calls[at(store.callStart(i))]!++;
    if (callNotOk({ outcome: store.callOutcome(i) })) s.errors[at(store.callEnd(i))]!++;
  }
  return s;
}
