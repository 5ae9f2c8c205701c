/**
 * The store the TUI browses: a RecordSink the engine fills while the capture streams in. It keeps what
 * the screens show, compactly (frames as columns, see store-frames.ts; connections, calls and diagnostics
 * referred to by ordinal), and tells subscribers about changes at most every `throttleMs` so a fast
 * capture does not redraw the screen thousands of times a second. The UI reads the store through the pure
 * selectors in store-selectors.ts and never writes to it; only the engine (as a sink) and the loader
 * (load progress) do.
 */
import type { RecordSink } from '../engine/engine.js';
import type { ConnectionPeers } from '../session/connection-session.js';
import type { CallRecord } from '../records/call.js';
import type { H2Event } from '../h2/types.js';
import type { CaptureRecord, ConnectionRecord, Diagnostic, FrameRecord } from '../records/records.js';
import { StringPool, U32Column } from './store-columns.js';
import { DEFAULT_FRAME_BYTES, FrameTable } from './store-frames.js';
import { HpackBlocks } from './store-hpack.js';

export type Severity = Diagnostic['severity'];
export type SeverityCounts = Record<Severity, number>;

export interface ConnectionEntry {
  /** Position in `connections` (order of first appearance in the records). */
  ordinal: number;
  id: string;
  /** The record, once the connection ended (or the capture did); null while it is still open. */
  record: ConnectionRecord | null;
  /** Frame numbers of this connection's frames, in order. */
  frames: U32Column;
  /** Call indexes of this connection's calls, in the order they ended. */
  calls: number[];
  diagnostics: SeverityCounts;
  /** Endpoints and protocol as known before the record (RecordSink.opened); null until then. */
  peers: ConnectionPeers | null;
  /** Time of the first and last frame seen (open connections have no record yet). */
  firstTime: number | null;
  lastTime: number | null;
}

/** How far reading the input has come; set by the loader (src/tui/load-capture.ts). */
export interface LoadState {
  phase: 'loading' | 'done';
  bytesRead: number;
  /** File size, or null for pipes. */
  totalBytes: number | null;
  packets: number;
  /** Milliseconds since reading started (the loader owns the clock). */
  elapsedMs: number;
  /** Input is a pipe or stdin (live counter rather than a progress bar). */
  live: boolean;
}

export interface Timer {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export interface StoreOptions {
  /** Minimum interval between notifications while records stream in (default 100 ms; 0: synchronous). */
  throttleMs?: number;
  timer?: Timer;
  /** Payload bytes kept per frame (every type) for the hex pane (default 512; the rest is not kept). */
  frameBytes?: number;
}

const DEFAULT_TIMER: Timer = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export function zeroCounts(): SeverityCounts {
  return { error: 0, warning: 0, info: 0 };
}

export class CaptureStore implements RecordSink {
  readonly frames: FrameTable;
  readonly strings = new StringPool();
  /** Field representations and table histories for the HPACK inspector. */
  readonly hpack = new HpackBlocks(this.strings);
  private readonly conns: ConnectionEntry[] = [];
  private readonly connIndex = new Map<string, number>();
  private readonly callList: CallRecord[] = [];
  private readonly callIndex = new Map<string, number>();
  private readonly diags: Diagnostic[] = [];
  private readonly counts = zeroCounts();
  private captureRec: CaptureRecord | null = null;
  private ended = 0;
  private loadState: LoadState = {
    phase: 'loading',
    bytesRead: 0,
    totalBytes: null,
    packets: 0,
    elapsedMs: 0,
    live: false,
  };
  private readonly listeners = new Set<() => void>();
  private changes = 0;
  private notified = 0;
  private pending: unknown = null;
  private readonly throttleMs: number;
  private readonly timer: Timer;

  constructor(opts: StoreOptions = {}) {
    this.throttleMs = opts.throttleMs ?? 100;
    this.timer = opts.timer ?? DEFAULT_TIMER;
    this.frames = new FrameTable(
      this.strings,
      (o) => this.conns[o]?.id ?? '',
      opts.frameBytes ?? DEFAULT_FRAME_BYTES,
    );
  }

  // --- RecordSink -------------------------------------------------------------------------------------

  /** Endpoints of a connection that has not ended yet (its record comes at the end). */
  readonly opened = (peers: ConnectionPeers): void => {
    this.entry(peers.id).peers = peers;
    this.changed();
  };

  readonly connection = (rec: ConnectionRecord): void => {
    this.entry(rec.id).record = rec;
    this.ended++;
    this.changed();
  };

  readonly frame = (rec: FrameRecord, ev?: Extract<H2Event, { kind: 'frame' }>): void => {
    const entry = this.entry(rec.connection);
    const n = this.frames.add(rec, entry.ordinal, ev?.payload, ev?.hpack);
    entry.frames.push(n);
    if (ev?.hpackBlock) this.hpack.add(n, entry.ordinal, rec.from, ev.hpackBlock);
    entry.firstTime ??= rec.time;
    entry.lastTime = rec.time;
    this.changed();
  };

  readonly diagnostic = (d: Diagnostic): void => {
    this.diags.push(d);
    this.counts[d.severity]++;
    if (d.connection !== undefined) this.entry(d.connection).diagnostics[d.severity]++;
    this.changed();
  };

  readonly call = (rec: CallRecord): void => {
    const i = this.callList.push(rec) - 1;
    this.callIndex.set(`${rec.connection}:${rec.stream}`, i);
    this.entry(rec.connection).calls.push(i);
    this.changed();
  };

  readonly capture = (rec: CaptureRecord): void => {
    this.captureRec = rec;
    this.changed();
  };

  // --- Load progress (the loader) ---------------------------------------------------------------------

  setLoad(patch: Partial<LoadState>): void {
    this.loadState = { ...this.loadState, ...patch };
    if (patch.phase === 'done') {
      this.changes++;
      this.flush();
    } else this.changed();
  }

  // --- Subscription -----------------------------------------------------------------------------------

  /** For React's useSyncExternalStore: a number that changes when subscribers were told of a change. */
  get version(): number {
    return this.notified;
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Notifies now, if anything changed since the last notification. */
  flush(): void {
    if (this.pending !== null) this.timer.clear(this.pending);
    this.pending = null;
    if (this.notified === this.changes) return;
    this.notified = this.changes;
    for (const l of [...this.listeners]) l();
  }

  private changed(): void {
    this.changes++;
    if (this.throttleMs === 0) this.flush();
    else if (this.pending === null)
      this.pending = this.timer.set(() => {
        this.pending = null;
        this.flush();
      }, this.throttleMs);
  }

  // --- Reading ----------------------------------------------------------------------------------------

  get captureRecord(): CaptureRecord | null {
    return this.captureRec;
  }

  get load(): LoadState {
    return this.loadState;
  }

  get connections(): readonly ConnectionEntry[] {
    return this.conns;
  }

  connectionByOrdinal(ordinal: number): ConnectionEntry | undefined {
    return this.conns[ordinal];
  }

  connectionById(id: string): ConnectionEntry | undefined {
    const o = this.connIndex.get(id);
    return o === undefined ? undefined : this.conns[o];
  }

  /** Connection records received: changes when a connection ends (its analysis fields arrive then). */
  get endedConnections(): number {
    return this.ended;
  }

  get calls(): readonly CallRecord[] {
    return this.callList;
  }

  /** The call index of (connection, stream), if that stream was a call. */
  callAt(connection: string, stream: number): number | undefined {
    return this.callIndex.get(`${connection}:${stream}`);
  }

  get diagnostics(): readonly Diagnostic[] {
    return this.diags;
  }

  get severityCounts(): Readonly<SeverityCounts> {
    return this.counts;
  }

  private entry(id: string): ConnectionEntry {
    const known = this.connIndex.get(id);
    if (known !== undefined) return this.conns[known]!;
    const entry: ConnectionEntry = {
      ordinal: this.conns.length,
      id,
      record: null,
      frames: new U32Column(64),
      calls: [],
      diagnostics: zeroCounts(),
      peers: null,
      firstTime: null,
      lastTime: null,
    };
    this.connIndex.set(id, entry.ordinal);
    this.conns.push(entry);
    return entry;
  }
}
