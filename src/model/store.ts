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
import type { H2Event } from '../h2/types.js';
import type {
  CallRecord,
  CaptureRecord,
  ConnectionRecord,
  Diagnostic,
  FrameRecord,
} from '../records/records.js';
import { CallTable, callFailed, callStatusUnknown, type CallRow } from './store-calls.js';
import { NarrowColumn, StringPool, U32Map } from './store-columns.js';
import { DEFAULT_FRAME_BYTES, FrameTable } from './store-frames.js';
import { HeaderLists } from './store-headers.js';
import { HpackBlocks } from './store-hpack.js';
import { ByteSpool } from './store-spool.js';
import type { EncodedStrings } from './string-arena.js';
import { BulkyCache, spoolConnection, type SpooledParts } from './store-connections.js';

export type { CallRow };

export type Severity = Diagnostic['severity'];
export type SeverityCounts = Record<Severity, number>;

export interface ConnectionEntry {
  /** Position in `connections` (order of first appearance in the records). */
  ordinal: number;
  id: string;
  /** The record, once the connection ended (or the capture did); null while it is still open. */
  record: ConnectionRecord | null;
  /** Frame numbers of this connection's frames, in order. */
  frames: NarrowColumn;
  /** Call indexes of this connection's calls, in the order they ended. */
  calls: number[];
  /** Call index by stream id. */
  streamCalls: U32Map;
  diagnostics: SeverityCounts;
  /** Endpoints and protocol as known before the record (RecordSink.opened); null until then. */
  peers: ConnectionPeers | null;
  /**
   * The latest snapshot of the connection while it is open (RecordSink.connectionUpdate: `open: true`,
   * figures as of its `end`); dropped when the final record comes.
   */
  snapshot: ConnectionRecord | null;
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
  /**
   * Minimum interval between notifications while records stream in (default 250 ms; 0: synchronous).
   * Every notification redraws the screen; at 100 ms the redraws took 15 % of a large file's loading and
   * competed with keys (docs/performance.md, "TUI memory": 250 ms loads 1M frames 13 % faster).
   */
  throttleMs?: number;
  timer?: Timer;
  /** Payload bytes kept in memory per frame when there is no spool (default 512; the rest is not kept). */
  frameBytes?: number;
  /**
   * Where frame payloads and whole call records go (default: a new spool in the temporary directory);
   * null keeps them in memory (payloads cut at `frameBytes`), as a store without a temporary file does.
   */
  spool?: ByteSpool | null;
  /**
   * A store that builds for a replica in another thread (src/tui/load-worker.ts): it keeps only what
   * adding needs (interning tables, the row being added), and `ship()` hands everything new to the
   * replica's `receive()`. Its own reads are not meaningful.
   */
  builder?: boolean;
}

/** A sink call the replica replays as it came (the rare, connection-level ones). */
export type ShippedEvent =
  | { kind: 'opened'; peers: ConnectionPeers }
  | { kind: 'connection'; rec: ConnectionRecord; parts: SpooledParts | null }
  | { kind: 'update'; rec: ConnectionRecord }
  | { kind: 'diagnostic'; d: Diagnostic }
  | { kind: 'capture'; rec: CaptureRecord };

/** What changed in a builder store since its previous ship: structured-cloneable, arrays transferable. */
export interface StoreBatch {
  /** Connections first seen, in ordinal order. */
  entries: string[];
  events: ShippedEvent[];
  /** New header names and values as bytes (string-arena.ts). */
  strings: EncodedStrings;
  lists: unknown[];
  frames: unknown[];
  hpack: unknown[];
  calls: unknown[];
  /** The spool file's size (all synced) and its problem; null without a spool. */
  spool: { size: number; problem: string | null } | null;
}

const DEFAULT_TIMER: Timer = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/** A connection's record as it stands: the final one, or the latest snapshot while it is open. */
export function currentRecord(entry: ConnectionEntry): ConnectionRecord | null {
  return entry.record ?? entry.snapshot;
}

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
  readonly spool: ByteSpool | null;
  /** Connection records' bulky parts read back from the spool. */
  private readonly bulky: BulkyCache;
  private readonly callTable: CallTable;
  private readonly diags: Diagnostic[] = [];
  private readonly counts = zeroCounts();
  private captureRec: CaptureRecord | null = null;
  private ended = 0;
  private failed = 0;
  private unknown = 0;
  private loadState: LoadState = {
    phase: 'loading',
    bytesRead: 0,
    totalBytes: null,
    packets: 0,
    elapsedMs: 0,
    live: false,
  };
  private readonly listeners = new Set<() => void>();
  private readonly lists: HeaderLists;
  private readonly builder: boolean;
  private shippedEntries = 0;
  private shippedEvents: ShippedEvent[] = [];
  private changes = 0;
  private notified = 0;
  private pending: unknown = null;
  private readonly throttleMs: number;
  private readonly timer: Timer;

  constructor(opts: StoreOptions = {}) {
    this.throttleMs = opts.throttleMs ?? 250;
    this.timer = opts.timer ?? DEFAULT_TIMER;
    this.spool = opts.spool === undefined ? new ByteSpool() : opts.spool;
    this.bulky = new BulkyCache(this.spool);
    this.builder = opts.builder ?? false;
    const connectionId = (o: number): string => this.conns[o]?.id ?? '';
    const lists = (this.lists = new HeaderLists(this.strings));
    this.frames = new FrameTable(
      this.strings,
      lists,
      connectionId,
      opts.frameBytes ?? DEFAULT_FRAME_BYTES,
      this.spool,
    );
    this.callTable = new CallTable(this.strings, lists, connectionId, this.spool);
  }

  /** Removes the spool file (the TUI's exit); rows stay, opened details may then be unavailable. */
  close(): void {
    this.spool?.remove();
  }

  /**
   * Why frame payloads and call details are kept in memory (cut at 512 bytes per frame) rather than in a
   * temporary file, or null when the spool works.
   */
  get spoolProblem(): string | null {
    return this.spool === null ? null : this.spool.problem;
  }

  // --- RecordSink -------------------------------------------------------------------------------------

  /** Endpoints of a connection that has not ended yet (its record comes at the end). */
  readonly connectionUpdate = (rec: ConnectionRecord): void => {
    const entry = this.entry(rec.id);
    if (this.builder) return void this.shippedEvents.push({ kind: 'update', rec });
    if (entry.record !== null) return; // a late snapshot of a connection that has ended
    entry.snapshot = rec;
    this.changed();
  };

  readonly opened = (peers: ConnectionPeers): void => {
    this.entry(peers.id).peers = peers;
    if (this.builder) return void this.shippedEvents.push({ kind: 'opened', peers });
    this.changed();
  };

  readonly connection = (rec: ConnectionRecord): void => {
    this.entry(rec.id);
    // The builder spools through the shared descriptor; the replica only reads (store-connections.ts).
    const { light, parts } = spoolConnection(rec, this.spool);
    if (this.builder) return void this.shippedEvents.push({ kind: 'connection', rec: light, parts });
    this.connectionEnded(light, parts);
  };

  private connectionEnded(light: ConnectionRecord, parts: SpooledParts | null): void {
    const entry = this.entry(light.id);
    entry.record = this.bulky.attach(light, parts);
    entry.snapshot = null;
    this.ended++;
    this.changed();
  }

  readonly frame = (rec: FrameRecord, ev?: Extract<H2Event, { kind: 'frame' }>): void => {
    const entry = this.entry(rec.connection);
    const n = this.frames.add(rec, entry.ordinal, ev?.payload, ev?.hpack);
    if (ev?.hpackBlock) this.hpack.add(n, entry.ordinal, rec.from, ev.hpackBlock);
    if (this.builder) return;
    this.framed(entry, n);
    this.changed();
  };

  readonly diagnostic = (d: Diagnostic): void => {
    if (d.connection !== undefined) this.entry(d.connection);
    if (this.builder) return void this.shippedEvents.push({ kind: 'diagnostic', d });
    this.diags.push(d);
    this.counts[d.severity]++;
    if (d.connection !== undefined) this.entry(d.connection).diagnostics[d.severity]++;
    this.changed();
  };

  readonly call = (rec: CallRecord): void => {
    const entry = this.entry(rec.connection);
    const i = this.callTable.add(rec, entry.ordinal);
    if (this.builder) return;
    this.called(entry, i);
    this.changed();
  };

  readonly capture = (rec: CaptureRecord): void => {
    if (this.builder) return void this.shippedEvents.push({ kind: 'capture', rec });
    this.captureRec = rec;
    this.changed();
  };

  private framed(entry: ConnectionEntry, n: number): void {
    entry.frames.push(n);
    const time = this.frames.time.get(n);
    entry.firstTime ??= time;
    entry.lastTime = time;
  }

  private called(entry: ConnectionEntry, i: number): void {
    const c = { outcome: this.callTable.outcome(i), status: this.callTable.status(i) };
    if (callFailed(c)) this.failed++;
    if (callStatusUnknown(c)) this.unknown++;
    entry.streamCalls.set(this.callTable.streamOf(i), i);
    entry.calls.push(i);
  }

  // --- Replication (the TUI decodes in a worker thread: src/tui/load-worker.ts) -----------------------

  /**
   * Everything added since the previous ship, for a replica's `receive` (a builder store; the spool, if
   * any, synced first so the replica can read every offset it is given). With `release` the builder drops
   * rows it will not read again.
   */
  ship(release = true): StoreBatch {
    this.spool?.sync();
    const batch: StoreBatch = {
      entries: this.conns.slice(this.shippedEntries).map((e) => e.id),
      events: this.shippedEvents,
      strings: this.strings.shipEncoded(),
      lists: this.lists.ship(release),
      frames: this.frames.ship(release),
      hpack: this.hpack.ship(release),
      calls: this.callTable.ship(release),
      spool: this.spool ? { size: this.spool.size, problem: this.spool.problem } : null,
    };
    this.shippedEntries = this.conns.length;
    this.shippedEvents = [];
    return batch;
  }

  /** Applies a builder's batch: the same rows, entries and events as if the sink calls had come here. */
  receive(batch: StoreBatch): void {
    for (const id of batch.entries) this.entry(id);
    const frames0 = this.frames.count;
    const calls0 = this.callTable.count;
    this.strings.receiveEncoded(batch.strings);
    this.lists.receive(batch.lists);
    this.frames.receive(batch.frames);
    this.hpack.receive(batch.hpack);
    this.callTable.receive(batch.calls);
    if (batch.spool) this.spool?.grown(batch.spool.size, batch.spool.problem);
    for (let n = frames0; n < this.frames.count; n++) this.framed(this.conns[this.frames.conn.get(n)]!, n);
    for (let i = calls0; i < this.callTable.count; i++)
      this.called(this.conns[this.callTable.connectionOf(i)]!, i);
    for (const ev of batch.events) {
      if (ev.kind === 'opened') this.opened(ev.peers);
      else if (ev.kind === 'connection') this.connectionEnded(ev.rec, ev.parts);
      else if (ev.kind === 'update') this.connectionUpdate(ev.rec);
      else if (ev.kind === 'diagnostic') this.diagnostic(ev.d);
      else this.capture(ev.rec);
    }
    this.changed();
  }

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

  /** Calls received so far (indexes 0 .. callCount - 1, in the order they ended). */
  get callCount(): number {
    return this.callTable.count;
  }

  /** Call `i` as lists show it, from the columns (a new object each time; header lists on request). */
  callRow(i: number, withHeaders = true): CallRow {
    return this.callTable.row(i, withHeaders);
  }

  /** Call `i` whole (messages, metadata, status details), read back from the spool; null if unreadable. */
  callRecord(i: number): CallRecord | null {
    return this.callTable.record(i);
  }

  /** Calls that did not succeed (callFailed). */
  get failedCallCount(): number {
    return this.failed;
  }

  /** Calls whose status the capture could not show (outcome status-unknown: neither ok nor failed). */
  get unknownCallCount(): number {
    return this.unknown;
  }

  /** Cheap reads of one call's columns, for counting and sorting without building rows. */
  callOutcome(i: number): CallRow['outcome'] {
    return this.callTable.outcome(i);
  }

  callStatus(i: number): number | null {
    return this.callTable.status(i);
  }

  /** Ordinal of the connection that carried call `i`. */
  callConnection(i: number): number {
    return this.callTable.connectionOf(i);
  }

  callStart(i: number): number {
    return this.callTable.startOf(i);
  }

  callEnd(i: number): number {
    return this.callTable.endOf(i);
  }

  /** The call index of (connection, stream), if that stream was a call. */
  callAt(connection: string, stream: number): number | undefined {
    return this.connectionById(connection)?.streamCalls.get(stream);
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
      frames: new NarrowColumn(true, 64),
      calls: [],
      streamCalls: new U32Map(),
      diagnostics: zeroCounts(),
      peers: null,
      snapshot: null,
      firstTime: null,
      lastTime: null,
    };
    this.connIndex.set(id, entry.ordinal);
    this.conns.push(entry);
    return entry;
  }
}
