/**
 * Rewrites one packet of a sample connection into a copy with its own addresses, ports and initial
 * sequence numbers, so thousands of copies can share one capture without their 4-tuples or sequence
 * spaces colliding. Checksums are recomputed (RFC 791 §3.1, RFC 9293 §3.1), SACK blocks (RFC 2018 §3)
 * moved with the acknowledgment numbers they refer to.
 */
import type { SamplePacket } from './sample-connections.js';

export interface CopyParams {
  clientIp: number;
  serverIp: number;
  clientPort: number;
  serverPort: number;
  /** Added (mod 2^32) to sequence numbers sent by the client, and to acknowledgments sent by the server. */
  clientSeqDelta: number;
  serverSeqDelta: number;
}

const TCP_OPT_EOL = 0;
const TCP_OPT_NOP = 1;
const TCP_OPT_SACK = 5;

export function rewritePacket(p: SamplePacket, c: CopyParams): Buffer {
  const f = Buffer.from(p.frame);
  const ip = p.ipOffset;
  const tcp = p.tcpOffset;
  const [srcIp, dstIp] = p.fromClient ? [c.clientIp, c.serverIp] : [c.serverIp, c.clientIp];
  const [srcPort, dstPort] = p.fromClient ? [c.clientPort, c.serverPort] : [c.serverPort, c.clientPort];
  const [seqDelta, ackDelta] = p.fromClient
    ? [c.clientSeqDelta, c.serverSeqDelta]
    : [c.serverSeqDelta, c.clientSeqDelta];
  f.writeUInt32BE(srcIp >>> 0, ip + 12);
  f.writeUInt32BE(dstIp >>> 0, ip + 16);
  f.writeUInt16BE(srcPort, tcp);
  f.writeUInt16BE(dstPort, tcp + 2);
  f.writeUInt32BE((f.readUInt32BE(tcp + 4) + seqDelta) >>> 0, tcp + 4);
  if (f[tcp + 13]! & 0x10) f.writeUInt32BE((f.readUInt32BE(tcp + 8) + ackDelta) >>> 0, tcp + 8);
  const tcpHeaderLength = (f[tcp + 12]! >> 4) * 4;
  shiftSackBlocks(f, tcp + 20, tcp + tcpHeaderLength, ackDelta);
  const ipEnd = ip + f.readUInt16BE(ip + 2);
  f.writeUInt16BE(0, ip + 10);
  f.writeUInt16BE(checksum(f, ip, tcp, 0), ip + 10);
  f.writeUInt16BE(0, tcp + 16);
  const pseudo = sum16(f, ip + 12, ip + 20) + 6 + (ipEnd - tcp);
  f.writeUInt16BE(checksum(f, tcp, ipEnd, pseudo), tcp + 16);
  return f;
}

function shiftSackBlocks(f: Buffer, from: number, to: number, delta: number): void {
  for (let at = from; at < to;) {
    const kind = f[at]!;
    if (kind === TCP_OPT_EOL) return;
    if (kind === TCP_OPT_NOP) {
      at++;
      continue;
    }
    const len = f[at + 1] ?? 0;
    if (len < 2) return;
    if (kind === TCP_OPT_SACK)
      for (let e = at + 2; e + 4 <= at + len; e += 4) f.writeUInt32BE((f.readUInt32BE(e) + delta) >>> 0, e);
    at += len;
  }
}

/** One's complement sum of 16-bit big-endian words (RFC 1071), not yet folded. */
function sum16(b: Buffer, from: number, to: number): number {
  let s = 0;
  let i = from;
  for (; i + 1 < to; i += 2) s += (b[i]! << 8) | b[i + 1]!;
  if (i < to) s += b[i]! << 8;
  return s;
}

function checksum(b: Buffer, from: number, to: number, initial: number): number {
  let s = sum16(b, from, to) + initial;
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return ~s & 0xffff;
}
