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

/** One direction's state and counts; made at the direction's first segment. */
export class TcpWindowSide {
  /** The counters, for the connection record. */
  counts(): WindowCounts {
    return {
      windowUpdates: this.windowUpdates,
      windowFull: this.windowFull,
      ackedUnseen: this.ackedUnseen,
      keepAliveAcks: this.keepAliveAcks,
      zeroWindowProbeAcks: this.zeroWindowProbeAcks,
      sackSegments: this.sackSegments,
      dsacks: this.dsacks,
      maxBytesInFlight: this.maxBytesInFlight,
    };
  }

  /** Highest sequence number this side sent without a hole before it (tshark maxseqtobeacked), 0: none. */
  maxSeqToBeAcked = 0;
  /** Bytes in flight are known: false after a segment beyond a hole, until the peer ACKs (tshark valid_bif). */
  validBif = true;
  /** Bytes in this side's last SACK blocks (the first three), subtracted from the peer's bytes in flight. */
  sacked = 0;
  windowUpdates = 0;
  windowFull = 0;
  ackedUnseen = 0;
  keepAliveAcks = 0;
  zeroWindowProbeAcks = 0;
  /** Segments carrying SACK blocks, and how many of them report duplicate data (D-SACK). */
  sackSegments = 0;
  dsacks = 0;
  maxBytesInFlight = 0;
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
  fwd.sackSegments++;
  fwd.sacked = sackedBytes(sack);
  const dsack = isDsack(sack, ack, hasAck);
  if (dsack) fwd.dsacks++;
  return dsack;
}

/**
 * tshark's bytes in flight after a segment with payload (its default, payload-based method): the span of
 * this side's unacknowledged segments, less what the peer's last SACK blocks hold, 0 when unknown.
 */
export function bytesInFlight(
  fwd: TcpWindowSide,
  rev: TcpWindowSide,
  unacked: readonly number[] | null,
  base: number,
  synOrFin: boolean,
): number {
  // `unacked`: the segments awaiting their ACK, three numbers each (seq, end, time seen), null when none.
  if (unacked === null || unacked.length === 0 || !fwd.validBif) return 0;
  const n = unacked.length;
  let first = (unacked[n - 3]! - base) >>> 0;
  let last = (unacked[n - 2]! - base) >>> 0;
  for (let i = 0; i < n; i += 3) {
    const s = (unacked[i]! - base) >>> 0;
    const e = (unacked[i + 1]! - base) >>> 0;
    if (e > last) last = e;
    if (s < first) first = s;
  }
  const inFlight = (last - first - rev.sacked) >>> 0;
  if (inFlight === 0 || inFlight >= 2_000_000_000) return 0;
  const bif = synOrFin ? inFlight - 1 : inFlight;
  if (bif > fwd.maxBytesInFlight) fwd.maxBytesInFlight = bif;
  return bif;
}
