import type { TcpFlags } from './types.js';

/** RFC 9293 §3.1 control bits in byte 13 of the TCP header (CWR and ECE from RFC 3168 §23.2). */
export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;
export const TCP_URG = 0x20;
export const TCP_ECE = 0x40;
export const TCP_CWR = 0x80;

function makeFlags(bits: number): TcpFlags {
  return Object.freeze({
    fin: (bits & TCP_FIN) !== 0,
    syn: (bits & TCP_SYN) !== 0,
    rst: (bits & TCP_RST) !== 0,
    psh: (bits & TCP_PSH) !== 0,
    ack: (bits & TCP_ACK) !== 0,
    urg: (bits & TCP_URG) !== 0,
    ece: (bits & TCP_ECE) !== 0,
    cwr: (bits & TCP_CWR) !== 0,
  });
}

/** One frozen TcpFlags per flags byte, shared by all segments: no allocation per packet. */
const FLAGS_TABLE: readonly TcpFlags[] = Array.from({ length: 256 }, (_, bits) => makeFlags(bits));

export function tcpFlags(bits: number): TcpFlags {
  return FLAGS_TABLE[bits & 0xff]!;
}
