import type { TcpSegment } from '../net/types.js';
import { sameEndpoint } from './flow-map.js';
import { HalfStream } from './half-stream.js';
import type { GapCause, HalfStreamOwner, ReassemblyLimits, Trigger } from './stream-context.js';
import { seqAdd } from './seq.js';
import { TcpAnalyzer } from './tcp-analysis.js';
import type { Dir, TcpConnectionInfo, TcpConnectionStats, TcpEndReason, TcpEvent } from './types.js';

export type { ReassemblyLimits } from './stream-context.js';

/** One TCP connection: two half streams plus lifecycle (RFC 9293 §3.5 open, §3.6 close, §3.5.2 reset). */
export class Connection implements HalfStreamOwner {
  /** The half streams of directions 0 and 1 (half(dir)): two fields, not an array (64 bytes less each). */
  private readonly h0: HalfStream;
  private readonly h1: HalfStream;
  /** tcp.analysis-like figures (retransmissions, RTTs, zero windows); read by the layers above. */
  readonly analysis: TcpAnalyzer;
  lastTime: number;
  /** Any segment with ACK set seen: the connection got past a bare SYN. */
  private ackSeen = false;

  constructor(
    readonly info: TcpConnectionInfo,
    /** Shared by every connection of the flow table. */
    readonly limits: ReassemblyLimits,
  ) {
    this.h0 = new HalfStream(this, 0);
    this.h1 = new HalfStream(this, 1);
    this.lastTime = info.start;
    this.analysis = new TcpAnalyzer(info);
    // Not enumerable: the info and the stats stay plain data for sinks, tests and JSON.
    Object.defineProperty(info, 'analysis', { value: this.analysis, enumerable: false });
  }

  /**
   * The counters so far, as the record shape (pairs indexed by Dir). Made on demand (the end event, a
   * snapshot): the counters themselves are fields of the half streams, since seven pair arrays and their
   * object were about 0.5 KB of every open connection.
   */
  get stats(): TcpConnectionStats {
    const x = this.h0;
    const y = this.h1;
    const stats: TcpConnectionStats = {
      packets: [x.packets, y.packets],
      wireBytes: [x.wireBytes, y.wireBytes],
      bytes: [x.bytes, y.bytes],
      retransmissions: [x.retransmissions(), y.retransmissions()],
      outOfOrder: [x.outOfOrder(), y.outOfOrder()],
      lostBytes: [x.lostBytes(), y.lostBytes()],
      beforeStart: [x.beforeStartSegments(), y.beforeStartSegments()],
    };
    // Not enumerable: the stats record is output as it is; the layers above read the analysis through it.
    Object.defineProperty(stats, 'analysis', { value: this.analysis, enumerable: false });
    return stats;
  }

  /** Packets of both directions so far. */
  get packets(): number {
    return this.h0.packets + this.h1.packets;
  }

  half(d: Dir): HalfStream {
    return d === 0 ? this.h0 : this.h1;
  }

  dirOf(seg: TcpSegment): Dir {
    return sameEndpoint(seg.src, this.info.a) ? 0 : 1;
  }

  /** Handles one segment of this connection; returns true when it ended the connection. */
  handle(seg: TcpSegment, d: Dir, out: TcpEvent[]): boolean {
    const conn = this.info.id;
    const len = seg.payload.length;
    this.lastTime = seg.time;
    const half = this.half(d);
    half.packets++;
    half.wireBytes += len;
    out.push({
      kind: 'packet',
      conn,
      dir: d,
      packetIndex: seg.packetIndex,
      time: seg.time,
      payloadLength: len,
    });
    this.analysis.segment(seg, d, out);
    const f = seg.flags;
    if (f.rst) {
      // RFC 9293 §3.10.7.4: after a reset no more data flows either way; what is missing is lost.
      this.flushBoth('rst', seg, out);
      out.push({ kind: 'rst', conn, dir: d, time: seg.time, packetIndex: seg.packetIndex });
      this.end('rst', seg.time, out);
      return true;
    }
    const peer = this.half(d === 0 ? 1 : 0);
    if (f.ack) this.ackSeen = true;
    if (f.syn) {
      this.half(d).onSyn(seg.seq);
      if (f.ack) peer.pinFromSynAck(seg.ack);
    }
    const packets = this.packets;
    // The ACK is about bytes sent earlier the other way: settle them before this segment's own bytes.
    if (f.ack) peer.onPeerAck(seg.ack, packets, seg, out);
    // RFC 9293 §3.4: the SYN occupies one sequence number; its data (TCP Fast Open) starts after it.
    this.half(d).onSegment(f.syn ? seqAdd(seg.seq, 1) : seg.seq, seg.payload, f.fin, seg, out);
    this.h0.checkAckGrace(packets, seg, out);
    this.h1.checkAckGrace(packets, seg, out);
    if (this.h0.finDelivered && this.h1.finDelivered) {
      this.end('fin', seg.time, out);
      return true;
    }
    return false;
  }

  /**
   * Ends a connection that did not close by itself: everything buffered is delivered (holes declared
   * lost), chunks carrying their own packet. At capture end, a connection whose two FINs get delivered
   * by the flush did close: its reason is 'fin'.
   */
  close(reason: 'capture-end' | 'port-reuse' | 'idle-evicted', out: TcpEvent[]): void {
    this.flushBoth(reason, null, out);
    const closed = this.h0.finDelivered && this.h1.finDelivered;
    this.end(closed && reason === 'capture-end' ? 'fin' : reason, this.lastTime, out);
  }

  /**
   * Is this SYN (without ACK) from side `d` the start of a new connection on the same 4-tuple?
   * Not when it repeats the ISN already seen (a retransmitted SYN), nor when nothing but the other side's
   * SYN was seen (a simultaneous open, RFC 9293 §3.5 figure 8).
   */
  isReusedBy(seg: TcpSegment, d: Dir): boolean {
    const h = this.half(d);
    if (h.synSeen) return h.isn !== seg.seq;
    return h.started || this.ackSeen;
  }

  /** ISNs seen per direction, for telling a late retransmitted SYN from a new connection. */
  isns(): number[] {
    return [this.h0, this.h1].filter((h) => h.synSeen).map((h) => h.isn);
  }

  private flushBoth(cause: GapCause, t: Trigger | null, out: TcpEvent[]): void {
    this.h0.flush(cause, t, out);
    this.h1.flush(cause, t, out);
  }

  private end(reason: TcpEndReason, time: number, out: TcpEvent[]): void {
    out.push({ kind: 'end', conn: this.info.id, time, reason, stats: this.stats });
  }
}
