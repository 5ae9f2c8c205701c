/**
 * Whole captures for the hostile-input tests, built in memory: a pcap (draft-ietf-opsawg-pcap §4-§5) with
 * LINKTYPE_RAW (101) records, each an IPv4 header (RFC 791) and a TCP header (RFC 9293 §3.1) without
 * options, for one connection: handshake, then each side's bytes in order, cut into segments.
 */
import { buildPcap, epb, idb, shb, type PcapRecord } from '../capture/build-capture.js';

export interface Send {
  from: 'client' | 'server';
  data: Buffer;
  /** Sequence numbers skipped before `data`: bytes never captured (a hole, later a tcp.gap). */
  skip?: number;
}

const CLIENT = { ip: [10, 0, 0, 1], port: 50000 };
const SERVER = { ip: [10, 0, 0, 2], port: 50051 };
/** Leaves room under IPv4's 65535-byte total length for the two 20-byte headers. */
const MAX_SEGMENT = 60_000;

function packet(from: 'client' | 'server', seq: number, ack: number, flags: number, data: Buffer): Buffer {
  const [src, dst] = from === 'client' ? [CLIENT, SERVER] : [SERVER, CLIENT];
  const ip = Buffer.alloc(20);
  ip[0] = 0x45;
  ip.writeUInt16BE(40 + data.length, 2);
  ip[8] = 64; // TTL
  ip[9] = 6; // TCP
  Buffer.from(src.ip).copy(ip, 12);
  Buffer.from(dst.ip).copy(ip, 16);
  const tcp = Buffer.alloc(20);
  tcp.writeUInt16BE(src.port, 0);
  tcp.writeUInt16BE(dst.port, 2);
  tcp.writeUInt32BE(seq >>> 0, 4);
  tcp.writeUInt32BE(ack >>> 0, 8);
  tcp[12] = 5 << 4;
  tcp[13] = flags;
  tcp.writeUInt16BE(65535, 14);
  return Buffer.concat([ip, tcp, data]);
}

const SYN = 0x02;
const ACK = 0x10;
const PSH = 0x08;
const FIN = 0x01;

export interface CaptureOptions {
  /** Seconds of the first record; each later record is 1 ms later. */
  startSec?: number;
  /** End with FINs (default true). */
  close?: boolean;
}

/** One TCP connection carrying `sends` in order, as a pcap file. */
export function tcpCapture(sends: Send[], opts: CaptureOptions = {}): Buffer {
  const records: PcapRecord[] = tcpPackets(sends, opts).map((data, n) => {
    const usec = n * 1000;
    return { sec: (opts.startSec ?? 1_700_000_000) + Math.floor(usec / 1e6), frac: usec % 1e6, data };
  });
  return buildPcap({ byteOrder: 'le', linkType: 101, records });
}

/**
 * The same connection as a pcapng file (draft-ietf-opsawg-pcapng §4.1-§4.3) with microsecond units:
 * packet n has the 64-bit timestamp `first + n * 1000`, any value a file can hold.
 */
export function tcpCaptureNg(sends: Send[], first: bigint, opts: CaptureOptions = {}): Buffer {
  const packets = tcpPackets(sends, opts);
  const mask = (1n << 64n) - 1n;
  const blocks = packets.map((data, n) => epb('le', 0, (first + BigInt(n) * 1000n) & mask, data));
  return Buffer.concat([shb('le'), idb('le', 101, 65535), ...blocks]);
}

/** The IPv4 packets of one connection: handshake, `sends` cut into segments, FINs. */
export function tcpPackets(sends: Send[], opts: CaptureOptions = {}): Buffer[] {
  const seq = { client: 1000, server: 5000 };
  const records: Buffer[] = [];
  const add = (data: Buffer): void => {
    records.push(data);
  };
  add(packet('client', seq.client++, 0, SYN, Buffer.alloc(0)));
  add(packet('server', seq.server++, seq.client, SYN | ACK, Buffer.alloc(0)));
  add(packet('client', seq.client, seq.server, ACK, Buffer.alloc(0)));
  for (const s of sends) {
    const other = s.from === 'client' ? 'server' : 'client';
    seq[s.from] += s.skip ?? 0;
    for (let at = 0; at < s.data.length; at += MAX_SEGMENT) {
      const part = s.data.subarray(at, at + MAX_SEGMENT);
      add(packet(s.from, seq[s.from], seq[other], ACK | PSH, part));
      seq[s.from] += part.length;
    }
  }
  if (opts.close ?? true) {
    add(packet('client', seq.client++, seq.server, FIN | ACK, Buffer.alloc(0)));
    add(packet('server', seq.server++, seq.client, FIN | ACK, Buffer.alloc(0)));
    add(packet('client', seq.client, seq.server, ACK, Buffer.alloc(0)));
  }
  return records;
}

/** RFC 9113 §3.4 client connection preface. */
export const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
