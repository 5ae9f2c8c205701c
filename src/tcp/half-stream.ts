import { ReorderBuffer } from './reorder-buffer.js';
import { seqAdd, seqDiff } from './seq.js';
import {
  GAP_REASON,
  halfStreamContext,
  streamDiagnostic,
  type GapCause,
  type HalfStreamContext,
  type HalfStreamOwner,
  type Trigger,
} from './stream-context.js';
import type { Dir, TcpEvent } from './types.js';

/**
 * RFC 9293 §3.8.6.2.1: the largest window a receiver can offer is 2^30 bytes (scale 14), so an ACK
 * further than that beyond what we delivered cannot be about this stream: ignore it.
 */
const MAX_ACK_JUMP = 2 ** 30;

/** Bits of HalfStream.flags. */
const Flag = {
  Started: 1,
  SynSeen: 2,
  FinDelivered: 4,
  /** The next chunk is the first one of a stream whose start was not seen: gapBefore -1. */
  UnknownStart: 8,
  BeforeStartReported: 16,
  AfterFinReported: 32,
} as const;

/**
 * One direction of a connection (gopacket's half stream): turns segments into in-order `data` events,
 * offset 0 being the first byte after the SYN (or the first byte seen). Holes wait in a ReorderBuffer
 * until they fill or are declared lost (`gapBefore` on the next chunk, `tcp.gap` diagnostic).
 */
export class HalfStream {
  /*
   * This direction's counters (TcpConnectionStats, by Dir), as fields: small integers stay unboxed in
   * the object, where seven pair arrays per connection cost about 0.5 KB of every open connection.
   */
  packets = 0;
  /** TCP payload bytes seen, retransmissions included. */
  wireBytes = 0;
  /** Bytes delivered in order. */
  bytes = 0;
  /*
   * Sequence numbers are kept as signed 32-bit values (`seq | 0`), read back with `>>> 0`: an unsigned
   * one above 2^31 is no small integer, and one such value makes the field a boxed number in every half
   * stream (16 bytes each, three per direction of every open connection). seqDiff and seqAdd give the
   * same results for either form (both work modulo 2^32).
   */
  private isnBits = 0;
  private baseSeq = 0;
  private nextSeq = 0;
  private nextOffset = 0;
  /** Highest stream offset seen (delivered or buffered), to tell out-of-order arrivals. */
  private maxEnd = 0;
  /** Counters of trouble, FIN and ACK-ahead bookkeeping: made at first use (HalfStreamRare). */
  private rare: HalfStreamRare | null = null;
  /** Last packet of this direction, kept as numbers: holding the segment would pin its capture chunk. */
  private lastTime = 0;
  private lastPacketIndex = -1;
  /** Out-of-order bytes; made at the first, dropped when emptied (most directions never need one). */
  private buffer: ReorderBuffer | null = null;
  /** The yes/no facts of this direction, as bits of one small integer (Flag): one field, not six. */
  private flags = 0;

  constructor(
    private readonly owner: HalfStreamOwner,
    readonly dir: Dir,
  ) {}

  retransmissions(): number {
    return this.rare?.retransmissions ?? 0;
  }

  outOfOrder(): number {
    return this.rare?.outOfOrder ?? 0;
  }

  lostBytes(): number {
    return this.rare?.lostBytes ?? 0;
  }

  /** Segments ignored because they lie before the first byte of this direction. */
  beforeStartSegments(): number {
    return this.rare?.beforeStartSegments ?? 0;
  }

  private get finOffset(): number {
    return this.rare?.finOffset ?? -1;
  }

  private get ackedEnd(): number {
    return this.rare?.ackedEnd ?? -1;
  }

  private more(): HalfStreamRare {
    return (this.rare ??= new HalfStreamRare());
  }

  /** True once stream offset 0 is pinned to a sequence number. */
  get started(): boolean {
    return (this.flags & Flag.Started) !== 0;
  }

  get synSeen(): boolean {
    return (this.flags & Flag.SynSeen) !== 0;
  }

  get finDelivered(): boolean {
    return (this.flags & Flag.FinDelivered) !== 0;
  }

  /** The SYN's sequence number (valid once synSeen). */
  get isn(): number {
    return this.isnBits >>> 0;
  }

  /** A SYN in this direction: offset 0 is the byte after its sequence number (RFC 9293 §3.4). */
  onSyn(seq: number): void {
    if (this.synSeen) return;
    this.flags |= Flag.SynSeen;
    this.isnBits = seq | 0;
    if (!this.started) this.pin(seqAdd(seq, 1), false);
  }

  /** The peer's SYN-ACK acknowledges ISN+1 of this direction: the stream start is known without the SYN. */
  pinFromSynAck(ack: number): void {
    if (!this.started) this.pin(ack, false);
  }

  /**
   * A segment of this direction. `seq` is the sequence number of payload[0] (already past the SYN's own
   * sequence number). Emits the data it makes deliverable and the `fin` event when reached.
   */
  onSegment(seq: number, payload: Buffer, fin: boolean, t: Trigger, out: TcpEvent[]): void {
    const len = payload.length;
    this.lastTime = t.time;
    this.lastPacketIndex = t.packetIndex;
    if (!this.started) {
      if (len === 0 && !fin) return; // a bare ACK or keepalive: do not pin the start on it
      this.pin(seq, true);
      out.push(streamDiagnostic(this.names(), 'tcp.mid-stream-start', { seq }, t));
    }
    const offset = this.nextOffset + seqDiff(seq, this.nextSeq);
    if (offset === this.nextOffset && len > 0 && !fin && this.buffer === null && this.finOffset < 0) {
      // Fast path: exactly the next bytes, nothing waiting. The payload is emitted as is (no copy).
      this.deliver(offset, payload, t, out);
      if (offset + len > this.maxEnd) this.maxEnd = offset + len;
      return;
    }
    if (fin) this.noteFin(offset + len, t, out);
    if (len > 0) this.accept(offset, payload, t, out);
    this.checkFin(t, out);
  }

  /**
   * The peer acknowledged `ack`: every byte before it reached the receiver, so a hole there was lost by
   * the capture and will not be retransmitted. The capture itself may still hold those bytes a few packets
   * later (timestamps merged from several queues, reordered files), so the hole is declared lost only
   * after a grace (checkAckGrace), or at once when the ACK covers this direction's FIN (nothing follows).
   * `packets`: the connection's packet count so far.
   */
  onPeerAck(ack: number, packets: number, t: Trigger, out: TcpEvent[]): void {
    if (!this.started || this.finDelivered) return;
    const rel = seqDiff(ack, this.nextSeq);
    if (rel <= 0 || rel > MAX_ACK_JUMP) return;
    let limit = this.nextOffset + rel;
    // The FIN occupies a sequence number but no byte: an ACK of the FIN covers bytes up to it only.
    const coversFin = this.finOffset >= 0 && limit > this.finOffset;
    if (coversFin) limit = this.finOffset;
    const r = this.more();
    if (r.ackedEnd <= this.nextOffset) {
      r.ackedAtPackets = packets;
      r.ackedAtTime = t.time;
    }
    if (limit > r.ackedEnd) r.ackedEnd = limit;
    if (coversFin) this.settleAcked(t, out);
  }

  /** Declares acknowledged holes lost once the grace has passed (see onPeerAck). */
  checkAckGrace(packets: number, t: Trigger, out: TcpEvent[]): void {
    const r = this.rare;
    if (r === null || r.ackedEnd <= this.nextOffset || this.finDelivered) return;
    const { ackGracePackets, ackGraceSeconds } = this.owner.limits;
    if (packets - r.ackedAtPackets < ackGracePackets && t.time - r.ackedAtTime < ackGraceSeconds) return;
    this.settleAcked(t, out);
  }

  private settleAcked(t: Trigger, out: TcpEvent[]): void {
    this.skipHoles(this.ackedEnd, 'ack', t, out);
    this.checkFin(t, out);
  }

  /**
   * No more bytes will come (RST, capture end, eviction, reuse): declare every remaining hole lost and
   * deliver everything buffered, up to the FIN. With no trigger, chunks carry their own packet.
   */
  flush(cause: GapCause, t: Trigger | null, out: TcpEvent[]): void {
    if (!this.started || this.finDelivered) return;
    // Holes the peer acknowledged were lost for that reason, whatever ends the wait.
    if (this.ackedEnd > this.nextOffset) this.skipHoles(this.ackedEnd, 'ack', t, out);
    const limit = Math.max(this.buffer?.lastEnd() ?? -1, this.finOffset);
    this.skipHoles(limit, cause, t, out);
    this.checkFin(t ?? this.rare?.finTrigger ?? this.lastTrigger(), out);
  }

  private lastTrigger(): Trigger {
    return { time: this.lastTime, packetIndex: this.lastPacketIndex };
  }

  private pin(seq: number, unknownStart: boolean): void {
    this.flags |= Flag.Started;
    this.baseSeq = seq | 0;
    this.nextSeq = seq | 0;
    if (unknownStart) this.flags |= Flag.UnknownStart;
  }

  /** Slow path: overlap trimming, retransmission and reordering accounting, buffering. */
  private accept(offset: number, payload: Buffer, t: Trigger, out: TcpEvent[]): void {
    let start = offset;
    let data = payload;
    if (this.finOffset >= 0 && start + data.length > this.finOffset) {
      data = this.trimAfterFin(start, data, t, out);
      if (data.length === 0) return;
    }
    const end = start + data.length;
    if (start < 0) {
      this.beforeStart(start, data.length, t, out);
      if (end <= 0) return;
      data = data.subarray(-start);
      start = 0;
    }
    const next = this.nextOffset;
    if (end <= next) {
      // Already delivered. A keepalive probe (RFC 9293 §3.8.4: seq = next-1, 0 or 1 byte) is not data.
      if (!(data.length === 1 && end === next)) this.more().retransmissions++;
      return;
    }
    let seen = false;
    if (start < next) {
      seen = true;
      data = data.subarray(next - start);
      start = next;
    }
    if (start === next) {
      if (this.buffer?.overlaps(start, end)) seen = true;
      this.deliver(start, data, t, out);
      this.drain(t, out);
    } else if ((this.buffer ??= new ReorderBuffer()).insert(start, data, t.time, t.packetIndex)) {
      seen = true;
    }
    if (seen) this.more().retransmissions++;
    else if (start < this.maxEnd) this.more().outOfOrder++;
    if (end > this.maxEnd) this.maxEnd = end;
    if (this.overLimit()) this.overflow(t, out);
  }

  private deliver(offset: number, data: Buffer, t: Trigger, out: TcpEvent[]): void {
    const r = this.rare;
    const gapBefore = (this.flags & Flag.UnknownStart) !== 0 ? -1 : (r?.pendingGap ?? 0);
    this.flags &= ~Flag.UnknownStart;
    if (r !== null) r.pendingGap = 0;
    const conn = this.owner.info.id;
    const dir = this.dir;
    out.push({ kind: 'data', conn, dir, data, offset, gapBefore, time: t.time, packetIndex: t.packetIndex });
    this.nextOffset += data.length;
    this.nextSeq = seqAdd(this.nextSeq, data.length) | 0;
    this.bytes += data.length;
  }

  /** Delivers buffered pieces that are now contiguous with what was delivered. */
  private drain(t: Trigger | null, out: TcpEvent[]): void {
    const buffer = this.buffer;
    if (buffer === null) return;
    for (let p = buffer.peek(); p && p.offset <= this.nextOffset; p = buffer.peek()) {
      buffer.shift();
      const end = p.offset + p.data.length;
      if (end <= this.nextOffset) continue;
      this.deliver(this.nextOffset, p.data.subarray(this.nextOffset - p.offset), t ?? p, out);
    }
    if (buffer.isEmpty) this.buffer = null;
  }

  /** Moves the delivery point to `limit`, declaring holes lost and delivering buffered pieces on the way. */
  private skipHoles(limit: number, cause: GapCause, t: Trigger | null, out: TcpEvent[]): void {
    this.drain(t, out);
    while (this.nextOffset < limit) {
      const p = this.buffer?.peek();
      const holeEnd = p ? Math.min(p.offset, limit) : limit;
      this.declareLost(holeEnd, cause, t ?? p ?? this.rare?.finTrigger ?? this.lastTrigger(), out);
      this.drain(t, out);
    }
  }

  private declareLost(end: number, cause: GapCause, t: Trigger, out: TcpEvent[]): void {
    const start = this.nextOffset;
    const bytes = end - start;
    const r = this.more();
    r.lostBytes += bytes;
    r.pendingGap += bytes;
    this.nextOffset = end;
    this.nextSeq = seqAdd(this.nextSeq, bytes) | 0;
    const seqStart = seqAdd(this.baseSeq, start);
    const range = { offsetStart: start, offsetEnd: end, seqStart, seqEnd: this.nextSeq >>> 0 };
    const params = { bytes, ...range, cause, reason: GAP_REASON[cause] };
    out.push(streamDiagnostic(this.names(), 'tcp.gap', params, t));
  }

  private overLimit(): boolean {
    const b = this.buffer;
    const limits = this.owner.limits;
    return b !== null && (b.bytes > limits.maxBufferedBytes || b.count > limits.maxBufferedSegments);
  }

  private overflow(t: Trigger, out: TcpEvent[]): void {
    while (this.overLimit()) {
      const b = this.buffer;
      const p = b?.peek();
      if (!b || !p) break;
      const { maxBufferedBytes: limit, maxBufferedSegments: segmentLimit } = this.owner.limits;
      const params = {
        buffered: b.bytes,
        segments: b.count,
        limit,
        segmentLimit,
        offsetEnd: p.offset,
      };
      out.push(streamDiagnostic(this.names(), 'tcp.buffer-overflow', params, t));
      this.skipHoles(p.offset, 'buffer-overflow', t, out);
    }
  }

  private noteFin(finOffset: number, t: Trigger, out: TcpEvent[]): void {
    if (this.finOffset >= 0) return; // a retransmitted FIN
    const r = this.more();
    r.finOffset = Math.max(finOffset, this.nextOffset);
    // An ACK seen before the FIN may cover the FIN's sequence number, which is no byte.
    if (r.ackedEnd > r.finOffset) r.ackedEnd = r.finOffset;
    r.finTrigger = { time: t.time, packetIndex: t.packetIndex };
    const dropped = this.buffer?.truncate(r.finOffset) ?? 0;
    if (this.buffer?.isEmpty) this.buffer = null;
    if (dropped > 0) this.reportAfterFin(dropped, t, out);
  }

  private checkFin(t: Trigger, out: TcpEvent[]): void {
    if (this.finDelivered || this.finOffset < 0 || this.nextOffset < this.finOffset) return;
    this.flags |= Flag.FinDelivered;
    out.push({
      kind: 'fin',
      conn: this.owner.info.id,
      dir: this.dir,
      time: t.time,
      packetIndex: t.packetIndex,
    });
  }

  private trimAfterFin(start: number, data: Buffer, t: Trigger, out: TcpEvent[]): Buffer {
    const keep = Math.max(0, this.finOffset - start);
    this.reportAfterFin(data.length - keep, t, out);
    return data.subarray(0, keep);
  }

  private reportAfterFin(bytes: number, t: Trigger, out: TcpEvent[]): void {
    if ((this.flags & Flag.AfterFinReported) !== 0) return;
    this.flags |= Flag.AfterFinReported;
    out.push(streamDiagnostic(this.names(), 'tcp.data-after-fin', { bytes, finOffset: this.finOffset }, t));
  }

  private beforeStart(start: number, bytes: number, t: Trigger, out: TcpEvent[]): void {
    this.more().beforeStartSegments++;
    if ((this.flags & Flag.BeforeStartReported) !== 0) return;
    this.flags |= Flag.BeforeStartReported;
    const seq = seqAdd(this.baseSeq, start);
    out.push(
      streamDiagnostic(this.names(), 'tcp.before-start', { bytes, seq, baseSeq: this.baseSeq >>> 0 }, t),
    );
  }

  /** This direction's names for a diagnostic. */
  private names(): HalfStreamContext {
    return halfStreamContext(this.owner.info, this.dir);
  }
}

/**
 * What a half stream needs only once something out of the ordinary happens (bytes retransmitted, out of
 * order, lost or before the start, an ACK ahead of the delivery point) or at its FIN: 10 of its fields,
 * made at first use, since an open direction that only ever sees its bytes in order (an idle connection's)
 * would otherwise carry them all (docs/performance.md, "Live and long-lived connections").
 */
class HalfStreamRare {
  retransmissions = 0;
  outOfOrder = 0;
  lostBytes = 0;
  beforeStartSegments = 0;
  /** Bytes declared lost since the last delivered chunk. */
  pendingGap = 0;
  finOffset = -1;
  /**
   * Stream offset up to which the peer acknowledged bytes not delivered yet, -1 for none; with the
   * connection's packet count and the time when that ACK first ran ahead of the delivery point.
   */
  ackedEnd = -1;
  ackedAtPackets = 0;
  ackedAtTime = 0;
  finTrigger: Trigger | null = null;
}
