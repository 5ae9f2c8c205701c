/**
 * TCP-level analysis of one connection, packet by packet, in the manner of Wireshark's tcp.analysis.*
 * (epan/dissectors/packet-tcp.c, tcp_analyze_sequence_number): retransmissions (generic, fast, spurious),
 * out-of-order segments, segments the capture did not see, duplicate ACKs, zero windows, keep-alives,
 * the handshake's round trip and ACK round trips per direction, plus what Wireshark does not say: how
 * long each retransmission held the stream up. Rules and their differences from tshark: docs/analysis.md
 * "TCP analysis". Independent of reassembly (src/tcp/half-stream.ts), which delivers bytes whatever
 * this module thinks of them.
 *
 * Bounded: per direction at most MAX_UNACKED segments awaiting an ACK (RTT samples and the original send
 * time of a retransmission come from them), MAX_HOLES unseen ranges and MAX_EPISODES recent retransmission
 * delays for the per-call latency breakdown; the counters are numbers.
 */
import { diag } from '../diagnostics/make.js';
import { TCP_DIAGNOSTICS } from '../diagnostics/tcp.js';
import { formatEndpoint, type TcpSegment } from '../net/types.js';
import { seqAdd, seqDiff } from './seq.js';
import {
  ackedUnseen,
  ackFlight,
  addFlight,
  bytesInFlight,
  isWindowFull,
  isWindowUpdate,
  noteSack,
  TcpWindowSide,
} from './tcp-window.js';
import type { TcpDirectionAnalysis, TcpHandshake } from '../records/records.js';
import type { Dir, TcpConnectionInfo, TcpEvent } from './types.js';

export type { TcpDirectionAnalysis, TcpHandshake };

const MAX_UNACKED = 2048;
const MAX_HOLES = 64;
export const MAX_EPISODES = 256;
const NO_EPISODES: RetransmissionEpisode[] = [];
/** tshark: a retransmission within 20 ms of the second duplicate ACK for its sequence number is "fast". */
const FAST_RETRANSMISSION_WINDOW = 0.02;
/** tshark: without a handshake RTT, a segment this soon after the highest one is out of order. */
const DEFAULT_OUT_OF_ORDER_THRESHOLD = 0.003;
/** tcp.retransmission is raised at a retransmission this late (Linux's minimum RTO is 200 ms) ... */
const REPORT_DELAY_MS = 100;
/** ... or at the direction's third retransmission (and tcp.window-full at the third window-full segment). */
const REPORT_COUNT = 3;

/**
 * What `segment()` found about a packet, as tshark's tcp.analysis.* flags (TCP_A_*): bits of a number, so
 * the per-packet path allocates nothing. RETRANSMISSION is set with FAST_RETRANSMISSION and
 * SPURIOUS_RETRANSMISSION too, as tshark sets tcp.analysis.retransmission with them.
 */
export const TCP_A = {
  RETRANSMISSION: 1,
  FAST_RETRANSMISSION: 2,
  SPURIOUS_RETRANSMISSION: 4,
  OUT_OF_ORDER: 8,
  LOST_SEGMENT: 16,
  DUPLICATE_ACK: 32,
  ZERO_WINDOW: 64,
  ZERO_WINDOW_PROBE: 128,
  KEEP_ALIVE: 256,
  // Window, ACK and SACK flags (src/tcp/tcp-window.ts).
  WINDOW_UPDATE: 512,
  WINDOW_FULL: 1024,
  ACK_LOST_SEGMENT: 2048,
  KEEP_ALIVE_ACK: 4096,
  ZERO_WINDOW_PROBE_ACK: 8192,
} as const;
const KEEP_ALIVE = TCP_A.KEEP_ALIVE;
const ZERO_WINDOW_PROBE = TCP_A.ZERO_WINDOW_PROBE;

/** A retransmission's delay: [start, end) in capture seconds, per direction of the data. */
export interface RetransmissionEpisode {
  dir: Dir;
  start: number;
  end: number;
}

/**
 * What the layers above may read of a connection's TCP analysis while it is open (the per-call latency
 * breakdown). Up to date through the packet being processed: observers see events in capture order.
 */
export interface TcpAnalysisView {
  handshake(): TcpHandshake | null;
  /** Capture time of the first payload byte per direction, null before. */
  firstPayloadTime(dir: Dir): number | null;
  /** The last MAX_EPISODES retransmission delays ending after `since`, oldest first. */
  episodesSince(since: number): RetransmissionEpisode[];
  /** Sum of delays ever seen in `dir` (ms), for telling whether episodes were dropped. */
  retransmissionDelayMs(dir: Dir): number;
}

/** Bits of DirectionState.bits. */
const Bit = {
  HasNext: 1,
  HasAck: 2,
  HasWindow: 4,
  SynSeen: 8,
  HasBase: 16,
  LossReported: 32,
  ZeroReported: 64,
} as const;

/**
 * Where a connection's times and RTT figures lie in its TcpAnalyzer.times: the handshake's three, then
 * each direction's six (at Time.Dir0 and Time.Dir1, offsets NextSeq...RttMax). One array of unboxed
 * doubles per connection instead of 16 double fields, each a pointer to a boxed number (Node 20 has no
 * unboxed double fields): about 190 bytes less per open connection (docs/performance.md, "Idle
 * connection, session 9"). NaN stands for null.
 */
const Time = {
  Syn: 0,
  SynAck: 1,
  Ack: 2,
  LastAckRtt: 3,
  Dir0: 4,
  Dir1: 10,
  NextSeq: 0,
  LastAck: 1,
  FirstPayload: 2,
  RttMin: 3,
  RttSum: 4,
  RttMax: 5,
} as const;

/** A new connection's times: no handshake, no ACK RTT (-1), and per direction no payload, no RTT sample. */
function newTimes(): number[] {
  // prettier-ignore
  return [
    NaN, NaN, NaN, -1,
    0, 0, NaN, Infinity, 0, -Infinity,
    0, 0, NaN, Infinity, 0, -Infinity,
  ];
}

function orNull(t: number): number | null {
  return Number.isNaN(t) ? null : t;
}

/** A range the capture skipped: [seq, end), and when it was noticed. */
interface Hole {
  seq: number;
  end: number;
  time: number;
}

/**
 * What only a direction in trouble needs: the counters of retransmissions, duplicate ACKs, zero windows
 * and the like, and the ranges the capture skipped. Made at the first such event: most directions of a
 * healthy capture never have one, and every open connection would otherwise carry two of them.
 */
class DirectionTrouble {
  retransmissions = 0;
  fastRetransmissions = 0;
  spuriousRetransmissions = 0;
  outOfOrder = 0;
  lostSegments = 0;
  duplicateAcks = 0;
  zeroWindows = 0;
  zeroWindowProbes = 0;
  keepAlives = 0;
  retransmissionDelayMs = 0;
  maxRetransmissionDelayMs = 0;
  holes: Hole[] | null = null;
}

/** Read in place of a direction's trouble before it has any (all counters 0); never written. */
const NO_TROUBLE: Readonly<DirectionTrouble> = Object.freeze(new DirectionTrouble());

/**
 * One direction's state, laid out for the idle open connection (docs/performance.md, "Live and long-lived
 * connections"): yes/no facts as bits of one field, sequence numbers as signed 32-bit values (an unsigned
 * one above 2^31 is no small integer and makes the field a boxed number in every instance), the RTT
 * figures as fields rather than a record remade per sample, the segments awaiting an ACK in one array made
 * at the first and dropped when all are acknowledged, the rest (DirectionTrouble) made when first needed.
 */
class DirectionState extends TcpWindowSide {
  private bits = 0;
  private nextBits = 0;
  private ackBits = 0;
  window = 0;
  dupAckNum = 0;
  lastFlags = 0;
  scale = -1;
  /** Sequence number of this direction's first byte (after the SYN), for relative numbers in diagnostics. */
  private baseBits = 0;
  /** The smallest window advertised after the SYN, -1 before one. */
  minWindow = -1;
  /** Segments awaiting their ACK, oldest first, three numbers each: seq, end, time seen. Null when none. */
  unacked: number[] | null = null;
  rttSamples = 0;
  trouble: DirectionTrouble | null = null;

  /**
   * @param times the connection's times (TcpAnalyzer.times), this direction's from `at` on (Time): its
   * times and RTT figures are unboxed doubles there, not fields each holding a boxed number
   */
  constructor(
    private readonly times: number[],
    private readonly at: number,
  ) {
    super();
  }

  /** When nextSeq was last advanced. */
  get nextSeqTime(): number {
    return this.times[this.at + Time.NextSeq]!;
  }

  set nextSeqTime(t: number) {
    this.times[this.at + Time.NextSeq] = t;
  }

  /** When this direction last sent a new ACK. */
  get lastAckTime(): number {
    return this.times[this.at + Time.LastAck]!;
  }

  set lastAckTime(t: number) {
    this.times[this.at + Time.LastAck] = t;
  }

  /** When this direction's first payload byte was seen, null before. */
  get firstPayload(): number | null {
    return orNull(this.times[this.at + Time.FirstPayload]!);
  }

  set firstPayload(t: number | null) {
    this.times[this.at + Time.FirstPayload] = t ?? NaN;
  }

  /** The ACK RTT figures (ms) of this direction's segments: minimum, sum and maximum. */
  get rttMin(): number {
    return this.times[this.at + Time.RttMin]!;
  }

  set rttMin(ms: number) {
    this.times[this.at + Time.RttMin] = ms;
  }

  get rttSum(): number {
    return this.times[this.at + Time.RttSum]!;
  }

  set rttSum(ms: number) {
    this.times[this.at + Time.RttSum] = ms;
  }

  get rttMax(): number {
    return this.times[this.at + Time.RttMax]!;
  }

  set rttMax(ms: number) {
    this.times[this.at + Time.RttMax] = ms;
  }

  get hasNext(): boolean {
    return (this.bits & Bit.HasNext) !== 0;
  }

  get hasAck(): boolean {
    return (this.bits & Bit.HasAck) !== 0;
  }

  get hasWindow(): boolean {
    return (this.bits & Bit.HasWindow) !== 0;
  }

  get synSeen(): boolean {
    return (this.bits & Bit.SynSeen) !== 0;
  }

  get lossReported(): boolean {
    return (this.bits & Bit.LossReported) !== 0;
  }

  get zeroReported(): boolean {
    return (this.bits & Bit.ZeroReported) !== 0;
  }

  set(bit: number): void {
    this.bits |= bit;
  }

  /** The sequence number after the highest segment seen (valid once hasNext). */
  get nextSeq(): number {
    return this.nextBits >>> 0;
  }

  set nextSeq(seq: number) {
    this.nextBits = seq | 0;
    this.bits |= Bit.HasNext;
  }

  /** The last ACK this direction sent (valid once hasAck). */
  get lastAck(): number {
    return this.ackBits >>> 0;
  }

  set lastAck(ack: number) {
    this.ackBits = ack | 0;
    this.bits |= Bit.HasAck;
  }

  get base(): number | null {
    return this.bits & Bit.HasBase ? this.baseBits >>> 0 : null;
  }

  set base(seq: number) {
    this.baseBits = seq | 0;
    this.bits |= Bit.HasBase;
  }

  /** The trouble counters for writing: made at the first. */
  troubled(): DirectionTrouble {
    return (this.trouble ??= new DirectionTrouble());
  }

  /** The trouble counters for reading. */
  get counts(): Readonly<DirectionTrouble> {
    return this.trouble ?? NO_TROUBLE;
  }
}

export interface TcpAnalysisRecordParts {
  handshake: TcpHandshake | null;
  dirs: [TcpDirectionAnalysis, TcpDirectionAnalysis];
}

export class TcpAnalyzer implements TcpAnalysisView {
  /*
   * The directions as two fields, and the handshake as its three times (its record is made when asked):
   * no array and no handshake record with six boxed numbers per open connection.
   */
  /** The connection's times and RTT figures, unboxed (see Time). */
  private readonly times = newTimes();
  private readonly d0 = new DirectionState(this.times, Time.Dir0);
  private readonly d1 = new DirectionState(this.times, Time.Dir1);
  private synRetransmissions = 0;
  private synDir: Dir = 0;
  private synSeq = 0;
  /** Made at the first retransmission. */
  private episodes: RetransmissionEpisode[] | null = null;

  constructor(private readonly info: TcpConnectionInfo) {}

  handshake(): TcpHandshake | null {
    const syn = this.synTime;
    if (syn === null) return null;
    const synAck = this.synAckTime;
    const ack = this.ackTime;
    return {
      syn,
      synAck,
      ack,
      synToSynAckMs: synAck === null ? null : ms(synAck - syn),
      synAckToAckMs: ack === null ? null : ms(ack - synAck!),
      initialRttMs: ack === null ? null : ms(ack - syn),
      synRetransmissions: this.synRetransmissions,
    };
  }

  firstPayloadTime(dir: Dir): number | null {
    return this.dir(dir).firstPayload;
  }

  episodesSince(since: number): RetransmissionEpisode[] {
    if (this.episodes === null) return NO_EPISODES;
    return this.episodes.filter((e) => e.end > since);
  }

  retransmissionDelayMs(dir: Dir): number {
    return this.dir(dir).counts.retransmissionDelayMs;
  }

  /** The figures so far (copies: the record must not change under a sink that keeps it). */
  record(): TcpAnalysisRecordParts {
    return { handshake: this.handshake(), dirs: [this.dirRecord(0), this.dirRecord(1)] };
  }

  /** The ACK RTT (ms) the last segment measured, or -1 (tshark tcp.analysis.ack_rtt of that packet). */
  get lastAckRttMs(): number {
    return this.times[Time.LastAckRtt]!;
  }

  set lastAckRttMs(ms: number) {
    this.times[Time.LastAckRtt] = ms;
  }

  /** Capture time of the connection's first SYN (without ACK), null before one. */
  private get synTime(): number | null {
    return orNull(this.times[Time.Syn]!);
  }

  private set synTime(t: number | null) {
    this.times[Time.Syn] = t ?? NaN;
  }

  private get synAckTime(): number | null {
    return orNull(this.times[Time.SynAck]!);
  }

  private set synAckTime(t: number | null) {
    this.times[Time.SynAck] = t ?? NaN;
  }

  private get ackTime(): number | null {
    return orNull(this.times[Time.Ack]!);
  }

  private set ackTime(t: number | null) {
    this.times[Time.Ack] = t ?? NaN;
  }
  /** Bytes in flight after the last segment, 0 when not known (tshark tcp.analysis.bytes_in_flight). */
  lastBytesInFlight = 0;
  /** The last segment's first SACK block reports duplicate data (tshark tcp.options.sack.dsack). */
  lastDsack = false;

  /** One segment from direction `dir`; diagnostics go to `out`. Returns its TCP_A flags. */
  segment(seg: TcpSegment, dir: Dir, out: TcpEvent[]): number {
    this.lastAckRttMs = -1;
    const fwd = this.dir(dir);
    const rev = this.dir(dir === 0 ? 1 : 0);
    // The window, ACK and SACK state (src/tcp/tcp-window.ts) is the base of the direction state.
    const wfwd: TcpWindowSide = fwd;
    const wrev: TcpWindowSide = rev;
    if (seg.flags.ack) wrev.validBif = true;
    this.lastDsack = noteSack(wfwd, seg.sack, seg.ack, seg.flags.ack);
    const f = seg.flags;
    const len = seg.payload.length;
    const now = seg.time;
    const seq = seg.seq;
    const sfr = f.syn || f.fin || f.rst;
    if (f.syn) this.onSyn(seg, dir, fwd);
    else if (
      this.synTime !== null &&
      this.ackTime === null &&
      this.synAckTime !== null &&
      dir === this.synDir &&
      f.ack
    )
      this.ackTime = now;
    if (len > 0 && fwd.firstPayload === null) fwd.firstPayload = now;
    if (fwd.base === null) fwd.base = f.syn ? seqAdd(seq, 1) : seq;
    const window = this.scaledWindow(seg, fwd);
    let flags = 0;
    fwd: {
      // ZERO WINDOW PROBE: one byte at the edge of a window the peer closed.
      if (len === 1 && fwd.hasNext && seq === fwd.nextSeq && rev.hasWindow && rev.window === 0) {
        flags |= ZERO_WINDOW_PROBE;
        fwd.troubled().zeroWindowProbes++;
        break fwd;
      }
      if (seg.window === 0 && !sfr) {
        flags |= TCP_A.ZERO_WINDOW;
        this.zeroWindow(seg, dir, fwd, out);
      }
      if (fwd.hasNext && seqDiff(seq, fwd.nextSeq) > 0 && !f.rst) {
        flags |= TCP_A.LOST_SEGMENT;
        this.lost(fwd, seq, now);
        wfwd.validBif = false;
      }
      if (len <= 1 && fwd.hasNext && seq === seqAdd(fwd.nextSeq, -1) && !sfr) {
        flags |= KEEP_ALIVE;
        fwd.troubled().keepAlives++;
      }
      const sameAck = f.ack && fwd.hasAck && seg.ack === fwd.lastAck && fwd.hasNext && seq === fwd.nextSeq;
      flags |= this.windowFlags(seg, dir, len, sfr, window, sameAck, out);
      if (len === 0 && !sfr && sameAck && window === fwd.window) {
        // A keep-alive's or a zero-window probe's ACK repeats the last ACK without being a duplicate.
        if (window !== 0 && rev.lastFlags & KEEP_ALIVE) {
          flags |= TCP_A.KEEP_ALIVE_ACK;
          wfwd.tallied().keepAliveAcks++;
          break fwd;
        }
        if (window === 0 && rev.lastFlags & ZERO_WINDOW_PROBE) {
          flags |= TCP_A.ZERO_WINDOW_PROBE_ACK;
          wfwd.tallied().zeroWindowProbeAcks++;
          break fwd;
        }
        if (window === 0) break fwd;
        fwd.dupAckNum++;
        fwd.troubled().duplicateAcks++;
        flags |= TCP_A.DUPLICATE_ACK;
      }
    }
    if (!fwd.hasAck || seg.ack !== fwd.lastAck) fwd.dupAckNum = 0;
    if (f.ack && ackedUnseen(wrev, rev.nextSeq, seg.ack)) {
      flags |= TCP_A.ACK_LOST_SEGMENT;
      wfwd.tallied().ackedUnseen++;
    }
    if ((len > 0 || f.syn || f.fin) && !(flags & KEEP_ALIVE))
      flags |= this.classifyOld(seg, dir, fwd, rev, len, out);
    let end = seqAdd(seq, len);
    if (f.syn || f.fin) end = seqAdd(end, 1);
    if (len > 0 || f.syn || f.fin) {
      this.addUnacked(fwd, seq, end, now);
      addFlight(wfwd, seq, end);
    }
    if ((!fwd.hasNext || seqDiff(end, fwd.nextSeq) > 0) && !(flags & ZERO_WINDOW_PROBE)) {
      fwd.nextSeq = end;
      fwd.nextSeqTime = now;
    }
    if ((seq === wfwd.maxSeqToBeAcked || wfwd.maxSeqToBeAcked === 0) && !(flags & ZERO_WINDOW_PROBE))
      wfwd.maxSeqToBeAcked = fwd.nextSeq;
    if (f.ack) {
      fwd.lastAck = seg.ack;
      fwd.lastAckTime = now;
      this.acknowledge(rev, seg.ack, now);
      ackFlight(wrev, seg.ack);
    }
    this.lastBytesInFlight = len === 0 ? 0 : bytesInFlight(wfwd, wrev, fwd.base ?? 0, f.syn || f.fin);
    fwd.set(Bit.HasWindow);
    fwd.window = window;
    if (!f.syn && (fwd.minWindow < 0 || window < fwd.minWindow)) fwd.minWindow = window;
    fwd.lastFlags = flags;
    return flags;
  }

  /** Window update and window full (tshark's order: after keep-alive, before the ACK checks). */
  private windowFlags(
    seg: TcpSegment,
    dir: Dir,
    len: number,
    sfr: boolean,
    window: number,
    sameAck: boolean,
    out: TcpEvent[],
  ): number {
    const fwd = this.dir(dir);
    const rev = this.dir(dir === 0 ? 1 : 0);
    let flags = 0;
    if (isWindowUpdate(len, sfr, window, fwd.window, fwd.hasNext && seg.seq === fwd.nextSeq, sameAck)) {
      flags |= TCP_A.WINDOW_UPDATE;
      this.dir(dir).tallied().windowUpdates++;
    }
    if (
      rev.hasAck &&
      rev.hasWindow &&
      this.scaleKnown(rev) &&
      isWindowFull(len, sfr, seg.seq, rev.lastAck, rev.window)
    ) {
      flags |= TCP_A.WINDOW_FULL;
      if (++this.dir(dir).tallied().windowFull === REPORT_COUNT)
        this.report('tcp.window-full', dir, seg, { window: rev.window }, out);
    }
    return flags;
  }

  /** tshark's win_scale is known (not -1) for a side once its SYN, or a SYN without the option, was seen. */
  private scaleKnown(side: DirectionState): boolean {
    const other = side === this.d0 ? this.d1 : this.d0;
    return side.synSeen || (other.synSeen && other.scale < 0);
  }

  private dir(d: Dir): DirectionState {
    return d === 0 ? this.d0 : this.d1;
  }

  private onSyn(seg: TcpSegment, dir: Dir, fwd: DirectionState): void {
    if (fwd.synSeen) {
      if (this.synTime !== null && dir === this.synDir && seg.seq === this.synSeq && !seg.flags.ack)
        this.synRetransmissions++;
      return;
    }
    fwd.set(Bit.SynSeen);
    fwd.scale = seg.windowScale ?? -1;
    if (!seg.flags.ack) {
      this.synDir = dir;
      this.synSeq = seg.seq;
      this.synTime = seg.time;
      this.synAckTime = null;
      this.ackTime = null;
      this.synRetransmissions = 0;
    } else if (this.synTime !== null && dir !== this.synDir && this.synAckTime === null) {
      this.synAckTime = seg.time;
    }
  }

  /** RFC 7323 §2.2: the window of a segment is scaled only when both SYNs carried the option. */
  private scaledWindow(seg: TcpSegment, fwd: DirectionState): number {
    if (seg.flags.syn) return seg.window;
    const other = fwd === this.d0 ? this.d1 : this.d0;
    if (fwd.scale < 0 || other.scale < 0) return seg.window;
    return seg.window * 2 ** Math.min(fwd.scale, 14);
  }

  /** A segment below the highest sequence number seen: out of order, or a retransmission of some kind. */
  private classifyOld(
    seg: TcpSegment,
    dir: Dir,
    fwd: DirectionState,
    rev: DirectionState,
    len: number,
    out: TcpEvent[],
  ): number {
    const now = seg.time;
    const seq = seg.seq;
    const irtt = this.synTime !== null && this.ackTime !== null ? ms(this.ackTime - this.synTime) : null;
    const oooThreshold = irtt !== null ? irtt / 1000 : DEFAULT_OUT_OF_ORDER_THRESHOLD;
    // tshark's order: fast, spurious (bytes the peer acknowledged, even at the highest sequence number
    // seen), out of order (soon after the highest segment), generic.
    const notAdvanced = fwd.hasNext && seqDiff(seq, fwd.nextSeq) < 0;
    let kind: 'fast' | 'spurious' | 'generic';
    if (
      notAdvanced &&
      rev.dupAckNum >= 2 &&
      rev.lastAck === seq &&
      now - rev.lastAckTime < FAST_RETRANSMISSION_WINDOW
    ) {
      kind = 'fast';
    } else if (len > 0 && rev.hasAck && seqDiff(seqAdd(seq, len), rev.lastAck) <= 0) {
      kind = 'spurious';
    } else if (notAdvanced && now - fwd.nextSeqTime < oooThreshold && fwd.nextSeq !== seqAdd(seq, len)) {
      fwd.troubled().outOfOrder++;
      this.fillHole(fwd, seq, now);
      return TCP_A.OUT_OF_ORDER;
    } else if (notAdvanced) {
      kind = 'generic';
    } else {
      return 0;
    }
    const s = fwd.troubled();
    s.retransmissions++;
    if (kind === 'fast') s.fastRetransmissions++;
    if (kind === 'spurious') s.spuriousRetransmissions++;
    // Since the first copy, else the hole's discovery; bytes already acknowledged (spurious) are no longer
    // remembered: then since the sender's last new segment, the time it has been sending nothing new.
    const since =
      this.originalTime(fwd, seq) ?? this.fillHole(fwd, seq, now) ?? (fwd.hasNext ? fwd.nextSeqTime : null);
    // A spurious retransmission counts too: after a timeout it means the sender sat waiting for an ACK
    // that was lost (or late) since its first copy, and nothing new came meanwhile.
    if (since !== null) {
      const delayMs = ms(now - since);
      s.retransmissionDelayMs = roundMs(s.retransmissionDelayMs + delayMs);
      if (delayMs > s.maxRetransmissionDelayMs) s.maxRetransmissionDelayMs = delayMs;
      const episodes = (this.episodes ??= []);
      episodes.push({ dir, start: since, end: now });
      if (episodes.length > MAX_EPISODES) episodes.shift();
    }
    // Reported once per direction, when it says something: a retransmission that held the stream up for
    // REPORT_DELAY_MS or more (a timeout), or the REPORT_COUNT-th. A lone quick one (a tail loss probe, a FIN
    // racing its ACK on loopback) is only counted: healthy captures have them.
    const delayMs = since === null ? null : ms(now - since);
    const worth = (delayMs !== null && delayMs >= REPORT_DELAY_MS) || s.retransmissions >= REPORT_COUNT;
    if (!fwd.lossReported && len > 0 && worth) {
      fwd.set(Bit.LossReported);
      this.report(
        'tcp.retransmission',
        dir,
        seg,
        {
          kind,
          seq: (seq - (fwd.base ?? seq)) >>> 0,
          bytes: len,
          count: s.retransmissions,
          delay: delayMs === null ? 'an unknown time' : `${delayMs} ms`,
        },
        out,
      );
    }
    if (kind === 'fast') return TCP_A.RETRANSMISSION | TCP_A.FAST_RETRANSMISSION;
    if (kind === 'spurious') return TCP_A.RETRANSMISSION | TCP_A.SPURIOUS_RETRANSMISSION;
    return TCP_A.RETRANSMISSION;
  }

  /** When the capture first saw the bytes at `seq` (the original of a retransmission), if still known. */
  private originalTime(fwd: DirectionState, seq: number): number | null {
    const u = fwd.unacked;
    if (u === null) return null;
    for (let i = 0; i < u.length; i += 3) {
      if (seqDiff(seq, u[i]!) >= 0 && seqDiff(seq, u[i + 1]!) < 0) return u[i + 2]!;
    }
    return null;
  }

  private lost(fwd: DirectionState, seq: number, now: number): void {
    const t = fwd.troubled();
    t.lostSegments++;
    const holes = (t.holes ??= []);
    if (holes.length >= MAX_HOLES) holes.shift();
    holes.push({ seq: fwd.nextSeq, end: seq, time: now });
  }

  /** A segment into a hole: the time the hole was noticed (the bytes were due then), the hole forgotten. */
  private fillHole(fwd: DirectionState, seq: number, now: number): number | null {
    const holes = fwd.trouble?.holes;
    if (holes == null) return null;
    for (let i = 0; i < holes.length; i++) {
      const h = holes[i]!;
      if (seqDiff(seq, h.seq) >= 0 && seqDiff(seq, h.end) < 0) {
        holes.splice(i, 1);
        return h.time <= now ? h.time : null;
      }
    }
    return null;
  }

  private addUnacked(fwd: DirectionState, seq: number, end: number, time: number): void {
    const u = fwd.unacked;
    if (u === null) {
      // Made at its size: most directions hold one segment at a time, then none.
      fwd.unacked = [seq, end, time];
      return;
    }
    if (u.length >= MAX_UNACKED * 3) u.splice(0, 3);
    u.push(seq, end, time);
  }

  /**
   * An ACK of `ack` for the segments of `rev`: an RTT sample when it acknowledges exactly the end of one
   * (the oldest such copy, as tshark), and every segment it covers forgotten.
   */
  private acknowledge(rev: DirectionState, ack: number, now: number): void {
    const u = rev.unacked;
    if (u === null) return;
    const n = u.length;
    let w = 0;
    let rttFrom: number | null = null;
    for (let i = 0; i < n; i += 3) {
      const s = u[i]!;
      const e = u[i + 1]!;
      const t = u[i + 2]!;
      if (ack === e) {
        rttFrom ??= t;
        continue;
      }
      if (seqDiff(e, ack) < 0) continue; // wholly acknowledged
      u[w] = seqDiff(ack, s) > 0 ? ack : s;
      u[w + 1] = e;
      u[w + 2] = t;
      w += 3;
    }
    // All acknowledged (an idle connection's usual state): no array at all.
    if (w === 0) rev.unacked = null;
    else u.length = w;
    if (rttFrom === null) return;
    const rttMs = (now - rttFrom) * 1000;
    this.lastAckRttMs = rttMs;
    rev.rttSamples++;
    rev.rttSum += rttMs;
    rev.rttMin = Math.min(rev.rttMin, rttMs);
    rev.rttMax = Math.max(rev.rttMax, rttMs);
  }

  private zeroWindow(seg: TcpSegment, dir: Dir, fwd: DirectionState, out: TcpEvent[]): void {
    fwd.troubled().zeroWindows++;
    if (fwd.zeroReported) return;
    fwd.set(Bit.ZeroReported);
    this.report('tcp.zero-window', dir, seg, {}, out);
  }

  private report(
    code: 'tcp.retransmission' | 'tcp.zero-window' | 'tcp.window-full',
    dir: Dir,
    seg: TcpSegment,
    params: Record<string, string | number>,
    out: TcpEvent[],
  ): void {
    const { a, b, id } = this.info;
    const [from, to] = dir === 0 ? [a, b] : [b, a];
    const all = {
      conn: id,
      direction: dir === 0 ? 'client->server' : 'server->client',
      flow: `${formatEndpoint(from)} -> ${formatEndpoint(to)}`,
      packet: seg.packetIndex + 1,
      ...params,
    };
    out.push({
      kind: 'diagnostic',
      diagnostic: diag(TCP_DIAGNOSTICS, code, all, { connection: id, time: seg.time }),
    });
  }

  private dirRecord(dir: Dir): TcpDirectionAnalysis {
    const d = this.dir(dir);
    const s = d.counts;
    return {
      retransmissions: s.retransmissions,
      fastRetransmissions: s.fastRetransmissions,
      spuriousRetransmissions: s.spuriousRetransmissions,
      outOfOrder: s.outOfOrder,
      lostSegments: s.lostSegments,
      duplicateAcks: s.duplicateAcks,
      zeroWindows: s.zeroWindows,
      zeroWindowProbes: s.zeroWindowProbes,
      keepAlives: s.keepAlives,
      retransmissionDelayMs: s.retransmissionDelayMs,
      maxRetransmissionDelayMs: s.maxRetransmissionDelayMs,
      ackRtt:
        d.rttSamples === 0
          ? null
          : {
              samples: d.rttSamples,
              minMs: roundMs(d.rttMin),
              avgMs: roundMs(d.rttSum / d.rttSamples),
              maxMs: roundMs(d.rttMax),
            },
      minWindow: d.minWindow < 0 ? null : d.minWindow,
      ...this.dir(dir).windowCounts(),
    };
  }
}

function roundMs(value: number): number {
  return Math.round(value * 1e3) / 1e3;
}

/** Milliseconds rounded to the microsecond (capture timestamps are at best nanoseconds; this is enough). */
function ms(seconds: number): number {
  return Math.round(seconds * 1e6) / 1e3;
}
