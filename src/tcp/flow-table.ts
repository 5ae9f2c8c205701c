import { diag } from '../diagnostics/make.js';
import { TCP_DIAGNOSTICS } from '../diagnostics/tcp.js';
import { formatEndpoint, type Endpoint, type TcpSegment } from '../net/types.js';
import { chooseClient } from './client-rule.js';
import { Connection, type ReassemblyLimits } from './connection.js';
import { FlowMap } from './flow-map.js';
import type { TcpEvent } from './types.js';

export interface FlowTableOptions {
  /** Out-of-order bytes held per direction before the first hole is declared lost. Default 4 MiB. */
  maxBufferedBytesPerDirection?: number;
  /**
   * Out-of-order segments held per direction before the first hole is declared lost. Default 4096 (4 MiB
   * of full-size segments); it bounds sorted insertion, quadratic in the worst case (reversed segments).
   */
  maxBufferedSegmentsPerDirection?: number;
  /**
   * When the peer ACKs bytes the capture has not shown, the hole is declared lost after this many more
   * packets of the connection, or ackGraceSeconds of capture time, whichever comes first (the bytes may
   * still appear: captures merged from several queues, reordered files). Defaults 8 packets, 1 s.
   */
  ackGracePackets?: number;
  ackGraceSeconds?: number;
  /**
   * End connections idle this long in capture time (reason 'idle-evicted'). Checked every eighth of it,
   * so an eviction comes up to 12.5 % late. Default: never.
   */
  idleTimeoutSeconds?: number;
  /** How long after its end a 4-tuple's stray packets are absorbed instead of opening a connection. Default 60. */
  tombstoneSeconds?: number;
  /**
   * Connections live at once. Past it the oldest is ended (reason 'idle-evicted') to make room, and
   * tcp.connections-capped says so once: a flood of SYNs on a live pipe cannot grow the table forever.
   * Default 100,000.
   */
  maxLiveConnections?: number;
}

const DEFAULT_MAX_LIVE_CONNECTIONS = 100_000;

export const DEFAULT_MAX_BUFFERED_BYTES_PER_DIRECTION = 4 * 1024 * 1024;
export const DEFAULT_MAX_BUFFERED_SEGMENTS_PER_DIRECTION = 4096;
export const DEFAULT_TOMBSTONE_SECONDS = 60;
export const DEFAULT_ACK_GRACE_PACKETS = 8;
export const DEFAULT_ACK_GRACE_SECONDS = 1;

export interface FlowTableCounters {
  /** Connections opened so far. */
  connections: number;
  /** Packets absorbed by a tombstone: late retransmissions, final ACKs, packets after a RST. */
  strayPackets: number;
}

/** The connection whose 4-tuple a new SYN reuses, for `tcp.port-reuse`. */
interface Previous {
  id: string;
  state: string;
}

/** What is left of an ended connection for a short while: enough to recognise its late packets. */
interface Tombstone {
  id: string;
  time: number;
  isns: number[];
  a: Endpoint;
  b: Endpoint;
  /** Reused by a new connection before it expired: left in the queue, skipped when it reaches the front. */
  buried?: boolean;
}

/**
 * Splits TCP segments into connections keyed by the unordered 4-tuple and reassembles each direction
 * (gopacket tcpassembly's model). Push-based: every call returns the events it caused, in causal order.
 * Memory is bounded by live connections, their out-of-order buffers and recent tombstones.
 */
export class FlowTable {
  private readonly limits: ReassemblyLimits;
  private readonly idleTimeout: number | undefined;
  private readonly tombstoneSeconds: number;
  private readonly live = new FlowMap<Connection>();
  /** Live connections in order of creation (finish() ends them in that order). */
  private readonly order = new Set<Connection>();
  /** Capture time of the next idle scan (a scan every timeout/8 costs less than an LRU per packet). */
  private nextIdleScan = -Infinity;
  private readonly tombstones = new FlowMap<Tombstone>();
  /**
   * Tombstones in end order, so the expired ones are at the front (from `tombHead` on). An array, not a
   * Set: a Set used as a queue keeps its deleted entries at the front until it rehashes, and every
   * packet's look at the oldest one walked past them (11 % of the CPU time on a 300 MB capture).
   */
  private tombQueue: Tombstone[] = [];
  private tombHead = 0;
  readonly counters: FlowTableCounters = { connections: 0, strayPackets: 0 };
  private readonly maxLive: number;
  private capped = false;

  constructor(opts: FlowTableOptions = {}) {
    this.limits = {
      maxBufferedBytes: opts.maxBufferedBytesPerDirection ?? DEFAULT_MAX_BUFFERED_BYTES_PER_DIRECTION,
      maxBufferedSegments:
        opts.maxBufferedSegmentsPerDirection ?? DEFAULT_MAX_BUFFERED_SEGMENTS_PER_DIRECTION,
      ackGracePackets: opts.ackGracePackets ?? DEFAULT_ACK_GRACE_PACKETS,
      ackGraceSeconds: opts.ackGraceSeconds ?? DEFAULT_ACK_GRACE_SECONDS,
    };
    this.idleTimeout = opts.idleTimeoutSeconds;
    this.tombstoneSeconds = opts.tombstoneSeconds ?? DEFAULT_TOMBSTONE_SECONDS;
    this.maxLive = opts.maxLiveConnections ?? DEFAULT_MAX_LIVE_CONNECTIONS;
  }

  push(seg: TcpSegment): TcpEvent[] {
    const out: TcpEvent[] = [];
    if (this.tombHead < this.tombQueue.length) this.expireTombstones(seg.time);
    if (this.idleTimeout !== undefined && seg.time >= this.nextIdleScan) this.evictIdle(seg.time, out);
    let conn = this.live.get(seg.src, seg.dst);
    let previous: Previous | undefined;
    if (conn && isOpeningSyn(seg) && conn.isReusedBy(seg, conn.dirOf(seg))) {
      previous = { id: conn.info.id, state: 'still open' };
      this.drop(conn, 'port-reuse', out);
      conn = undefined;
    }
    if (!conn) {
      if (this.order.size >= this.maxLive) this.makeRoom(seg.time, out);
      const opened = this.open(seg, previous, out);
      if (!opened) return out;
      conn = opened;
    }
    if (conn.handle(seg, conn.dirOf(seg), out)) {
      this.forget(conn);
      const { a, b } = conn.info;
      const tomb = { id: conn.info.id, time: seg.time, isns: conn.isns(), a, b };
      this.tombstones.set(a, b, tomb);
      this.tombQueue.push(tomb);
    }
    return out;
  }

  /** The connections not ended yet, in order of creation, with their counters so far (for snapshots). */
  openConnections(): IterableIterator<Connection> {
    return this.order.values();
  }

  /** Ends every live connection (reason 'capture-end', or 'fin' when the flush reaches both FINs). */
  finish(): TcpEvent[] {
    const out: TcpEvent[] = [];
    for (const conn of this.order) conn.close('capture-end', out);
    this.live.clear();
    this.order.clear();
    this.tombstones.clear();
    this.tombQueue = [];
    this.tombHead = 0;
    return out;
  }

  /** Opens a connection for `seg`, unless it is a stray packet of a recently ended one (then null). */
  private open(seg: TcpSegment, previous: Previous | undefined, out: TcpEvent[]): Connection | null {
    const tomb = this.tombstones.get(seg.src, seg.dst);
    if (tomb) {
      const newSyn = isOpeningSyn(seg) && !tomb.isns.includes(seg.seq);
      if (!newSyn && seg.time - tomb.time <= this.tombstoneSeconds) {
        this.counters.strayPackets++;
        return null;
      }
      this.buryTombstone(tomb);
      if (newSyn) previous = { id: tomb.id, state: `ended ${round(seg.time - tomb.time)} s earlier` };
    }
    const { client, server, rule } = chooseClient(seg);
    const id = `c${++this.counters.connections}`;
    const info = {
      id,
      a: client,
      b: server,
      clientRule: rule,
      synSeen: seg.flags.syn,
      start: seg.time,
      firstPacketIndex: seg.packetIndex,
    };
    const conn = new Connection(info, this.limits);
    this.live.set(client, server, conn);
    this.order.add(conn);
    out.push({ kind: 'open', conn: info });
    if (previous !== undefined) {
      const endpoints = { client: formatEndpoint(client), server: formatEndpoint(server) };
      const params = { conn: id, ...endpoints, previous: previous.id, previousState: previous.state };
      const d = diag(TCP_DIAGNOSTICS, 'tcp.port-reuse', params, { connection: id, time: seg.time });
      out.push({ kind: 'diagnostic', diagnostic: d });
    }
    return conn;
  }

  private drop(conn: Connection, reason: 'port-reuse' | 'idle-evicted', out: TcpEvent[]): void {
    conn.close(reason, out);
    this.forget(conn);
  }

  /** Ends the oldest live connection; the first time, a diagnostic says why. */
  private makeRoom(time: number, out: TcpEvent[]): void {
    const oldest = this.order.values().next().value;
    if (oldest === undefined) return;
    if (!this.capped) {
      this.capped = true;
      const params = { limit: this.maxLive, conn: oldest.info.id };
      const d = diag(TCP_DIAGNOSTICS, 'tcp.connections-capped', params, { connection: oldest.info.id, time });
      out.push({ kind: 'diagnostic', diagnostic: d });
    }
    this.drop(oldest, 'idle-evicted', out);
  }

  private forget(conn: Connection): void {
    this.live.delete(conn.info.a, conn.info.b);
    this.order.delete(conn);
  }

  private expireTombstones(now: number): void {
    const queue = this.tombQueue;
    for (; this.tombHead < queue.length; this.tombHead++) {
      const tomb = queue[this.tombHead]!;
      if (tomb.buried) continue;
      if (now - tomb.time <= this.tombstoneSeconds) break;
      this.buryTombstone(tomb);
    }
    // Drop the expired front in one go once it is half the array: amortised O(1) per tombstone.
    if (this.tombHead > 1024 && this.tombHead * 2 > queue.length) {
      this.tombQueue = queue.slice(this.tombHead);
      this.tombHead = 0;
    }
  }

  private buryTombstone(tomb: Tombstone): void {
    this.tombstones.delete(tomb.a, tomb.b);
    tomb.buried = true;
  }

  private evictIdle(now: number, out: TcpEvent[]): void {
    const timeout = this.idleTimeout;
    if (timeout === undefined) return;
    this.nextIdleScan = now + timeout / 8;
    for (const conn of this.order) if (now - conn.lastTime > timeout) this.drop(conn, 'idle-evicted', out);
  }
}

/** RFC 9293 §3.5: a SYN without ACK opens a connection. */
function isOpeningSyn(seg: TcpSegment): boolean {
  return seg.flags.syn && !seg.flags.ack && !seg.flags.rst;
}

function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
