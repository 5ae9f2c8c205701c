/**
 * The Stats screen's numbers, from the store's columns: calls per method (the aggregation of --summary,
 * call-stats.ts), HTTP/2 frame types per connection and direction, and calls and bytes per connection
 * (grouped into endpoints by select-stats-endpoints.ts). Calls and frames are append-only, so a StatsIndex
 * reads each new row once (store.callRow without header lists, the frame columns) and keeps only sums:
 * never a record, and a live capture costs the rows that arrived since the last update.
 */
import { callNotOk } from '../records/call.js';
import { CallStatsByMethod, latency, type CallStats, type LatencySummary } from './call-stats.js';
import { sortBy, type FrameTypeColumn, type MethodColumn } from './select-stats-sort.js';
import { compare, type SortSpec } from './store-selectors.js';
import { relaysOf } from './store-relays.js';
import type { CaptureStore } from './store.js';

/** Frames and bytes (9-byte header + payload, as on the wire) of one frame type in one direction. */
export interface FrameCount {
  frames: number;
  bytes: number;
}

/** One frame type on one connection (connection -1: every connection), both directions. */
export interface FrameTypeStats {
  /** Connection ordinal, or -1 for the capture's total. */
  connection: number;
  type: string;
  client: FrameCount;
  server: FrameCount;
}

/** Calls that ended on a connection, and how many of them were not ok (callNotOk, as --summary counts). */
export interface ConnectionCalls {
  calls: number;
  errors: number;
}

const FRAME_HEADER = 9;

export class StatsIndex {
  readonly methods = new CallStatsByMethod();
  private calls = 0;
  private frames = 0;
  /** By connection ordinal (index). */
  private readonly perConnection: ConnectionCalls[] = [];
  /** By (connection ordinal + 1) * 256 + frame type id (the frame table's type-name pool holds < 256). */
  private readonly frameTypes = new Map<number, FrameTypeStats>();
  /**
   * Calls not in the per-method statistics yet: the relay index holds them (each may be a proxy's backend
   * leg, counted once as the client's call, as --summary does). Bounded by the matcher's cap.
   */
  private pending: number[] = [];

  /** Reads the calls and frames that arrived since the last update; true if there were any. */
  update(store: CaptureStore): boolean {
    const calls = store.callCount;
    const frames = store.frames.count;
    const relays = relaysOf(store);
    if (calls === this.calls && frames === this.frames && !this.settle(store, relays)) return false;
    for (let i = this.calls; i < calls; i++) this.addCall(store, i);
    for (let n = this.frames; n < frames; n++) this.addFrame(store, n);
    this.calls = calls;
    this.frames = frames;
    this.settle(store, relays);
    return true;
  }

  /** Adds the held calls the relay index has decided on since; true if any was. */
  private settle(store: CaptureStore, relays: ReturnType<typeof relaysOf>): boolean {
    if (this.pending.length === 0) return false;
    const still: number[] = [];
    for (const i of this.pending) {
      if (relays.isHeld(i)) still.push(i);
      else if (!relays.isLeg(i)) this.methods.add(store.callRow(i, false));
    }
    const changed = still.length !== this.pending.length;
    this.pending = still;
    return changed;
  }

  /** Calls and errors of connection `ordinal` (zero for a connection without calls). */
  connectionCalls(ordinal: number): ConnectionCalls {
    return this.perConnection[ordinal] ?? { calls: 0, errors: 0 };
  }

  /** Every (connection, type), the capture totals (connection -1) included. */
  frameTypeRows(): FrameTypeStats[] {
    return [...this.frameTypes.values()];
  }

  private addCall(store: CaptureStore, i: number): void {
    const row = store.callRow(i, false);
    // Per method: each relayed call once (the client's). Per connection: every call the connection carried,
    // as --summary's connection table.
    const relays = relaysOf(store);
    if (relays.isHeld(i)) this.pending.push(i);
    else if (!relays.isLeg(i)) this.methods.add(row);
    const o = store.callConnection(i);
    const c = (this.perConnection[o] ??= { calls: 0, errors: 0 });
    c.calls++;
    if (callNotOk(row)) c.errors++;
  }

  private addFrame(store: CaptureStore, n: number): void {
    const f = store.frames;
    const type = f.type.get(n);
    const bytes = f.length.get(n) + FRAME_HEADER;
    const server = f.fromServer(n);
    for (const conn of [f.conn.get(n), -1]) {
      const key = (conn + 1) * 256 + type;
      let s = this.frameTypes.get(key);
      if (!s) {
        s = {
          connection: conn,
          type: f.typeName(n),
          client: { frames: 0, bytes: 0 },
          server: { frames: 0, bytes: 0 },
        };
        this.frameTypes.set(key, s);
      }
      const d = server ? s.server : s.client;
      d.frames++;
      d.bytes += bytes;
    }
  }
}

// --- Sorted rows of each table --------------------------------------------------------------------------

export interface MethodRow {
  method: string;
  stats: CallStats;
  latency: LatencySummary;
}

/** Latency of a method's calls, sorted again only when calls were added (a live capture redraws often). */
const latencies = new WeakMap<CallStats, { calls: number; latency: LatencySummary }>();

function latencyOf(s: CallStats): LatencySummary {
  const known = latencies.get(s);
  if (known?.calls === s.calls) return known.latency;
  const l = latency(s);
  latencies.set(s, { calls: s.calls, latency: l });
  return l;
}

function methodKey(r: MethodRow, column: MethodColumn): number | string {
  switch (column) {
    case 'method':
      return r.method;
    case 'calls':
      return r.stats.calls;
    case 'errors':
      return r.stats.errors;
    case 'p50':
    case 'p90':
    case 'p99':
      return r.latency[column] ?? -1;
    case 'requestBytes':
      return r.stats.requestBytes;
    case 'responseBytes':
      return r.stats.responseBytes;
    case 'messages':
      return r.stats.requestMessages + r.stats.responseMessages;
  }
}

/** Methods sorted by a column; ties as --summary lists them (most calls, then by name). */
export function selectMethodRows(index: StatsIndex, sort: SortSpec<MethodColumn>): MethodRow[] {
  const rows = index.methods
    .sorted()
    .map(([method, stats]) => ({ method, stats, latency: latencyOf(stats) }));
  return sortBy(rows, (r) => methodKey(r, sort.column), sort.descending);
}

function frameTypeKey(r: FrameTypeStats, column: FrameTypeColumn): number | string {
  switch (column) {
    case 'connection':
      return r.connection;
    case 'type':
      return r.type;
    case 'clientFrames':
      return r.client.frames;
    case 'clientBytes':
      return r.client.bytes;
    case 'serverFrames':
      return r.server.frames;
    case 'serverBytes':
      return r.server.bytes;
  }
}

/**
 * Frame types per connection (the capture's totals first, connection -1) sorted by a column; ties by
 * connection, then the most frames first.
 */
export function selectFrameTypeRows(index: StatsIndex, sort: SortSpec<FrameTypeColumn>): FrameTypeStats[] {
  const rows = index
    .frameTypeRows()
    .sort(
      (a, b) =>
        a.connection - b.connection ||
        b.client.frames + b.server.frames - (a.client.frames + a.server.frames) ||
        compare(a.type, b.type),
    );
  return sortBy(rows, (r) => frameTypeKey(r, sort.column), sort.descending);
}

/** Statistics are kept per store, so leaving the Stats screen and coming back costs nothing. */
const indexes = new WeakMap<CaptureStore, StatsIndex>();

/** The store's StatsIndex, brought up to date. */
export function statsIndexOf(store: CaptureStore): StatsIndex {
  let index = indexes.get(store);
  if (!index) indexes.set(store, (index = new StatsIndex()));
  index.update(store);
  return index;
}
