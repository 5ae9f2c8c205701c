import { formatEndpoint, type TcpSegment } from '../net/types.js';
import { sameEndpoint } from './flow-map.js';
import { HalfStream } from './half-stream.js';
import type { GapCause, HalfStreamContext, Trigger } from './stream-context.js';
import { seqAdd } from './seq.js';
import { TcpAnalyzer } from './tcp-analysis.js';
import type { Dir, TcpConnectionInfo, TcpConnectionStats, TcpEndReason, TcpEvent } from './types.js';

/** The per-direction limits of FlowTableOptions, resolved. */
export interface ReassemblyLimits {
  maxBufferedBytes: number;
  maxBufferedSegments: number;
  ackGracePackets: number;
  ackGraceSeconds: number;
}

function newStats(): TcpConnectionStats {
  return {
    packets: [0, 0],
    wireBytes: [0, 0],
    bytes: [0, 0],
    retransmissions: [0, 0],
    outOfOrder: [0, 0],
    lostBytes: [0, 0],
    beforeStart: [0, 0],
  };
}

/**
 * A half stream's context. The `flow` text is only read by diagnostics, so it is formatted on demand:
 * formatting four endpoint strings per connection up front was about 2 % of the decoding layer's CPU on
 * a capture of many short connections.
 */
class DirectionContext implements HalfStreamContext {
  readonly conn: string;
  readonly direction: string;
  readonly maxBufferedBytes: number;
  readonly maxBufferedSegments: number;
  readonly ackGracePackets: number;
  readonly ackGraceSeconds: number;

  constructor(
    private readonly info: TcpConnectionInfo,
    readonly dir: Dir,
    readonly stats: TcpConnectionStats,
    limits: ReassemblyLimits,
  ) {
    this.conn = info.id;
    this.direction = dir === 0 ? 'client->server' : 'server->client';
    this.maxBufferedBytes = limits.maxBufferedBytes;
    this.maxBufferedSegments = limits.maxBufferedSegments;
    this.ackGracePackets = limits.ackGracePackets;
    this.ackGraceSeconds = limits.ackGraceSeconds;
  }

  get flow(): string {
    const a = formatEndpoint(this.info.a);
    const b = formatEndpoint(this.info.b);
    return this.dir === 0 ? `${a} -> ${b}` : `${b} -> ${a}`;
  }
}

/** One TCP connection: two half streams plus lifecycle (RFC 9293 §3.5 open, §3.6 close, §3.5.2 reset). */
export class Connection {
  readonly stats = newStats();
  readonly half: readonly [HalfStream, HalfStream];
  /** tcp.analysis-like figures (retransmissions, RTTs, zero windows); read by the layers above. */
  readonly analysis: TcpAnalyzer;
  lastTime: number;
  /** Any segment with ACK set seen: the connection got past a bare SYN. */
  private ackSeen = false;

  constructor(
    readonly info: TcpConnectionInfo,
    limits: ReassemblyLimits,
  ) {
    this.half = [
      new HalfStream(new DirectionContext(info, 0, this.stats, limits)),
      new HalfStream(new DirectionContext(info, 1, this.stats, limits)),
    ];
    this.lastTime = info.start;
    this.analysis = new TcpAnalyzer(info);
    // Not enumerable: the info and the stats stay plain data for sinks, tests and JSON.
    Object.defineProperty(info, 'analysis', { value: this.analysis, enumerable: false });
    Object.defineProperty(this.stats, 'analysis', { value: this.analysis, enumerable: false });
  }

  dirOf(seg: TcpSegment): Dir {
    return sameEndpoint(seg.src, this.info.a) ? 0 : 1;
  }

  /** Handles one segment of this connection; returns true when it ended the connection. */
  handle(seg: TcpSegment, d: Dir, out: TcpEvent[]): boolean {
    const conn = this.info.id;
    const stats = this.stats;
    const len = seg.payload.length;
    this.lastTime = seg.time;
    stats.packets[d]++;
    stats.wireBytes[d] += len;
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
    const peer = this.half[d === 0 ? 1 : 0];
    if (f.ack) this.ackSeen = true;
    if (f.syn) {
      this.half[d].onSyn(seg.seq);
      if (f.ack) peer.pinFromSynAck(seg.ack);
    }
    const packets = stats.packets[0] + stats.packets[1];
    // The ACK is about bytes sent earlier the other way: settle them before this segment's own bytes.
    if (f.ack) peer.onPeerAck(seg.ack, packets, seg, out);
    // RFC 9293 §3.4: the SYN occupies one sequence number; its data (TCP Fast Open) starts after it.
    this.half[d].onSegment(f.syn ? seqAdd(seg.seq, 1) : seg.seq, seg.payload, f.fin, seg, out);
    this.half[0].checkAckGrace(packets, seg, out);
    this.half[1].checkAckGrace(packets, seg, out);
    if (this.half[0].finDelivered && this.half[1].finDelivered) {
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
    const closed = this.half[0].finDelivered && this.half[1].finDelivered;
    this.end(closed && reason === 'capture-end' ? 'fin' : reason, this.lastTime, out);
  }

  /**
   * Is this SYN (without ACK) from side `d` the start of a new connection on the same 4-tuple?
   * Not when it repeats the ISN already seen (a retransmitted SYN), nor when nothing but the other side's
   * SYN was seen (a simultaneous open, RFC 9293 §3.5 figure 8).
   */
  isReusedBy(seg: TcpSegment, d: Dir): boolean {
    const h = this.half[d];
    if (h.synSeen) return h.isn !== seg.seq;
    return h.started || this.ackSeen;
  }

  /** ISNs seen per direction, for telling a late retransmitted SYN from a new connection. */
  isns(): number[] {
    return this.half.filter((h) => h.synSeen).map((h) => h.isn);
  }

  private flushBoth(cause: GapCause, t: Trigger | null, out: TcpEvent[]): void {
    this.half[0].flush(cause, t, out);
    this.half[1].flush(cause, t, out);
  }

  private end(reason: TcpEndReason, time: number, out: TcpEvent[]): void {
    out.push({ kind: 'end', conn: this.info.id, time, reason, stats: this.stats });
  }
}
