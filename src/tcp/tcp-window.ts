/**
 * The part of the TCP analysis about windows, ACKs of unseen bytes, SACK and bytes in flight, kept apart
 * from src/tcp/tcp-analysis.ts (which calls it at fixed points of tshark's order): per direction,
 * tshark's `maxseqtobeacked`, `valid_bif` and the last SACK blocks, and the counters of the flags
 * tcp.analysis.window_update, window_full, ack_lost_segment, keep_alive_ack, zero_window_probe_ack,
 * bytes_in_flight and the SACK option. Rules: docs/analysis.md "TCP analysis".
 */
import { isDsack, sackedBytes } from './sack.js';
import type { TcpDirectionAnalysis } from '../records/records.js';
import { seqDiff } from './seq.js';

export type WindowCounts = Pick<
  TcpDirectionAnalysis,
  | 'windowUpdates'
  | 'windowFull'
  | 'ackedUnseen'
  | 'keepAliveAcks'
  | 'zeroWindowProbeAcks'
  | 'sackSegments'
  | 'dsacks'
  | 'maxBytesInFlight'
>;

/**
 * The counters of the rarer flags, made at the first one: an idle open connection's directions never
 * count any, and seven numbers per direction were 112 bytes of every connection (docs/performance.md,
 * "Idle connection, session 8").
 */
export class WindowTally {
  windowUpdates = 0;
  windowFull = 0;
  ackedUnseen = 0;
  keepAliveAcks = 0;
  zeroWindowProbeAcks = 0;
  /** Segments carrying SACK blocks, and how many of them report duplicate data (D-SACK). */
  sackSegments = 0;
  dsacks = 0;
}

/** Read in place of a side's tally before it has one (all 0); never written. */
const NO_TALLY: Readonly<WindowTally> = Object.freeze(new WindowTally());

/**
 * One direction's state and counts; made at the direction's first segment (as the base of the TCP
 * analysis's direction state, src/tcp/tcp-analysis.ts: one object per direction, not two).
 */
export class TcpWindowSide {
  /** The counters, for the connection record. */
  windowCounts(): WindowCounts {
    const t = this.tally ?? NO_TALLY;
    return {
      windowUpdates: t.windowUpdates,
      windowFull: t.windowFull,
      ackedUnseen: t.ackedUnseen,
      keepAliveAcks: t.keepAliveAcks,
      zeroWindowProbeAcks: t.zeroWindowProbeAcks,
      sackSegments: t.sackSegments,
      dsacks: t.dsacks,
      maxBytesInFlight: this.maxBytesInFlight,
    };
  }

  /** The counters for writing: made at the first. */
  tallied(): WindowTally {
    return (this.tally ??= new WindowTally());
  }

  /**
   * Highest sequence number this side sent without a hole before it (tshark maxseqtobeacked), 0: none.
   * Stored as a signed 32-bit value: an unsigned one above 2^31 is no small integer, and made the field a
   * boxed number (16 bytes) in half of all directions.
   */
  get maxSeqToBeAcked(): number {
    return this.maxSeqBits >>> 0;
  }

  set maxSeqToBeAcked(seq: number) {
    this.maxSeqBits = seq | 0;
  }

  private maxSeqBits = 0;
  /** Bytes in flight are known: false after a segment beyond a hole, until the peer ACKs (tshark valid_bif). */
  validBif = true;
  /** Bytes in this side's last SACK blocks (the first three), subtracted from the peer's bytes in flight. */
  sacked = 0;
  /** This side's unacknowledged bytes as sorted disjoint ranges, two numbers each; null when none. */
  flight: number[] | null = null;
  maxBytesInFlight = 0;
  private tally: WindowTally | null = null;
}

/** tshark: a window update is a pure ACK at the next sequence number repeating the ACK with a new window. */
export function isWindowUpdate(
  len: number,
  sfr: boolean,
  window: number,
  lastWindow: number,
  atNext: boolean,
  sameAck: boolean,
): boolean {
  return len === 0 && !sfr && window !== 0 && window !== lastWindow && atNext && sameAck;
}

/**
 * tshark: a segment whose end is exactly the right edge of the window the peer last advertised (its last
 * ACK plus its window), when the window scaling of the connection is known.
 */
export function isWindowFull(
  len: number,
  sfr: boolean,
  seq: number,
  peerAck: number,
  peerWindow: number,
): boolean {
  return len > 0 && !sfr && (seq + len) >>> 0 === (peerAck + peerWindow) >>> 0;
}

/**
 * tshark 4.0 "ACKed segment that wasn't captured": an ACK beyond the highest sequence number the peer sent
 * without a hole. The peer's mark moves to its highest sequence number, so one hole is flagged once.
 */
export function ackedUnseen(rev: TcpWindowSide, revNextSeq: number, ack: number): boolean {
  if (rev.maxSeqToBeAcked === 0 || seqDiff(ack, rev.maxSeqToBeAcked) <= 0) return false;
  rev.maxSeqToBeAcked = revNextSeq;
  return true;
}

/** The SACK blocks of a segment from `fwd`: counted, remembered for the peer's bytes in flight. */
export function noteSack(
  fwd: TcpWindowSide,
  sack: readonly number[] | undefined,
  ack: number,
  hasAck: boolean,
): boolean {
  if (sack === undefined) {
    fwd.sacked = 0;
    return false;
  }
  const tally = fwd.tallied();
  tally.sackSegments++;
  fwd.sacked = sackedBytes(sack);
  const dsack = isDsack(sack, ack, hasAck);
  if (dsack) tally.dsacks++;
  return dsack;
}

/**
 * One side's bytes awaiting an ACK, for bytes in flight: tshark walks its list of unacknowledged segments
 * (each trimmed at the ACKs that cover part of it) for the lowest start and the highest end. Only the union
 * of those segments matters for that, so it is kept as sorted disjoint ranges [start, end) instead, with
 * the same effect of an ACK (everything below it dropped): usually one range, however many segments are in
 * flight. Ranges apart come from bytes the capture did not see; past MAX_FLIGHT_RANGES the two nearest merge
 * (the gap then counts as in flight, as it does in tshark until an ACK lands inside it).
 */
const MAX_FLIGHT_RANGES = 64;

/** Bytes [seq, end) sent by `side`. */
export function addFlight(side: TcpWindowSide, seq: number, end: number): void {
  const r = side.flight;
  if (r === null) {
    side.flight = [seq, end];
    return;
  }
  // Most segments extend the last range: the sender's next bytes, or a retransmission inside it.
  const n = r.length;
  if (seqDiff(seq, r[n - 1]!) <= 0 && seqDiff(seq, r[n - 2]!) >= 0) {
    if (seqDiff(end, r[n - 1]!) > 0) r[n - 1] = end;
    return;
  }
  // Otherwise merge every range it touches into one, kept in order.
  let i = 0;
  while (i < n && seqDiff(r[i + 1]!, seq) < 0) i += 2;
  let j = i;
  let lo = seq;
  let hi = end;
  while (j < n && seqDiff(r[j]!, hi) <= 0) {
    if (seqDiff(r[j]!, lo) < 0) lo = r[j]!;
    if (seqDiff(r[j + 1]!, hi) > 0) hi = r[j + 1]!;
    j += 2;
  }
  r.splice(i, j - i, lo, hi);
  if (r.length > MAX_FLIGHT_RANGES * 2) mergeNearest(r);
}

function mergeNearest(r: number[]): void {
  let best = 2;
  for (let k = 4; k < r.length; k += 2)
    if (seqDiff(r[k]!, r[k - 1]!) < seqDiff(r[best]!, r[best - 1]!)) best = k;
  r.splice(best - 1, 2);
}

/** The peer acknowledged everything below `ack`: dropped, a range across it starts at it. */
export function ackFlight(side: TcpWindowSide, ack: number): void {
  const r = side.flight;
  if (r === null) return;
  let i = 0;
  while (i < r.length && seqDiff(r[i + 1]!, ack) <= 0) i += 2;
  if (i === r.length) {
    side.flight = null;
    return;
  }
  if (i > 0) r.splice(0, i);
  if (seqDiff(r[0]!, ack) < 0) r[0] = ack;
}

/**
 * tshark's bytes in flight after a segment with payload (its default, payload-based method): the span of
 * this side's unacknowledged bytes, less what the peer's last SACK blocks hold, 0 when unknown.
 */
export function bytesInFlight(
  fwd: TcpWindowSide,
  rev: TcpWindowSide,
  base: number,
  synOrFin: boolean,
): number {
  const r = fwd.flight;
  if (r === null || !fwd.validBif) return 0;
  // tshark compares offsets from the side's first sequence number (unsigned), as here.
  const first = (r[0]! - base) >>> 0;
  const last = (r[r.length - 1]! - base) >>> 0;
  const inFlight = (last - first - rev.sacked) >>> 0;
  if (inFlight === 0 || inFlight >= 2_000_000_000) return 0;
  const bif = synOrFin ? inFlight - 1 : inFlight;
  if (bif > fwd.maxBytesInFlight) fwd.maxBytesInFlight = bif;
  return bif;
}
