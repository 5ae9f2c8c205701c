/**
 * Splits a real sample capture (Ethernet, IPv4, TCP, as the gRPC samples are) into its TCP connections,
 * each packet kept with its time relative to the connection's first packet and the offsets the rewriter
 * needs. A connection is replayed whole, so TCP reassembly and HPACK state stay valid in every copy.
 */
import { basename } from 'node:path';
import { readPcap } from './pcap-file.js';

export const LINKTYPE_ETHERNET = 1;
const ETHERTYPE_IPV4 = 0x0800;
const IPPROTO_TCP = 6;
const TCP_SYN = 0x02;
const TCP_ACK = 0x10;

export interface SamplePacket {
  /** Microseconds after the connection's first packet. */
  offsetMicros: number;
  frame: Buffer;
  fromClient: boolean;
  ipOffset: number;
  tcpOffset: number;
}

export interface SampleConnection {
  name: string;
  packets: SamplePacket[];
  /** Initial sequence numbers (of the SYN / SYN-ACK, else the first segment) per direction. */
  clientIsn: number;
  serverIsn: number;
  durationMicros: number;
  /** Bytes of the pcap records (16-byte record header + frame). */
  recordBytes: number;
}

interface Building {
  key: string;
  client: string;
  start: number;
  packets: SamplePacket[];
  isn: Map<string, number>;
  recordBytes: number;
}

export function sampleConnections(path: string): SampleConnection[] {
  const pcap = readPcap(path);
  if (pcap.linkType !== LINKTYPE_ETHERNET)
    throw new Error(`${path}: link type ${pcap.linkType}, want Ethernet`);
  const byKey = new Map<string, Building>();
  for (const rec of pcap.records) {
    const f = rec.data;
    if (f.length < 14 + 20 || f.readUInt16BE(12) !== ETHERTYPE_IPV4) continue;
    const ipOffset = 14;
    if (f[ipOffset + 9] !== IPPROTO_TCP) continue;
    const tcpOffset = ipOffset + (f[ipOffset]! & 0x0f) * 4;
    const src = `${f.readUInt32BE(ipOffset + 12)}:${f.readUInt16BE(tcpOffset)}`;
    const dst = `${f.readUInt32BE(ipOffset + 16)}:${f.readUInt16BE(tcpOffset + 2)}`;
    const key = src < dst ? `${src}-${dst}` : `${dst}-${src}`;
    const flags = f[tcpOffset + 13]!;
    let conn = byKey.get(key);
    if (!conn) {
      const synOnly = (flags & (TCP_SYN | TCP_ACK)) === TCP_SYN;
      if (!synOnly) throw new Error(`${path}: connection ${key} does not start with a SYN`);
      conn = { key, client: src, start: rec.micros, packets: [], isn: new Map(), recordBytes: 0 };
      byKey.set(key, conn);
    }
    if (!conn.isn.has(src)) conn.isn.set(src, f.readUInt32BE(tcpOffset + 4));
    const fromClient = src === conn.client;
    conn.packets.push({ offsetMicros: rec.micros - conn.start, frame: f, fromClient, ipOffset, tcpOffset });
    conn.recordBytes += 16 + f.length;
  }
  return [...byKey.values()].map((c, i) => {
    const server = [...c.isn.keys()].find((k) => k !== c.client);
    return {
      name: `${basename(path, '.pcap')}#${i + 1}`,
      packets: c.packets,
      clientIsn: c.isn.get(c.client) ?? 0,
      serverIsn: server === undefined ? 0 : (c.isn.get(server) ?? 0),
      durationMicros: c.packets.at(-1)?.offsetMicros ?? 0,
      recordBytes: c.recordBytes,
    };
  });
}
