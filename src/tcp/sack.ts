/**
 * What a segment's SACK blocks (RFC 2018, parsed by src/net/tcp-sack.ts) say, for the TCP analysis:
 * whether the first block reports duplicate data (D-SACK, RFC 2883 §4) and how many bytes the blocks hold
 * beyond the cumulative ACK (subtracted from the sender's bytes in flight, as tshark does).
 */
import { seqDiff } from './seq.js';

/** tshark stores at most this many blocks of a segment for bytes in flight (MAX_TCP_SACK_RANGES - 1). */
const BIF_BLOCKS = 3;

/**
 * RFC 2883 §4: the first block is a D-SACK when it lies below the cumulative ACK (bytes received twice),
 * or inside the second block (a duplicate of data held out of order).
 */
export function isDsack(sack: readonly number[], ack: number, hasAck: boolean): boolean {
  const left = sack[0]!;
  const right = sack[1]!;
  if (hasAck && seqDiff(left, ack) < 0) return true;
  if (sack.length >= 4) return seqDiff(left, sack[2]!) >= 0 && seqDiff(right, sack[3]!) <= 0;
  return false;
}

/** Bytes the blocks hold, the first three as tshark counts them for bytes in flight. */
export function sackedBytes(sack: readonly number[]): number {
  let n = 0;
  const blocks = Math.min(sack.length / 2, BIF_BLOCKS);
  for (let i = 0; i < blocks; i++) n += seqDiff(sack[2 * i + 1]!, sack[2 * i]!);
  return n;
}
