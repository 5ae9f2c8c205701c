/**
 * Minimal classic pcap reading and writing for the benchmark generator (the samples are classic pcap;
 * the real reader lives in src/capture). Times are integer microseconds so rewriting never rounds.
 */
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';

export interface PcapRecord {
  /** Capture time in microseconds since the epoch. */
  micros: number;
  data: Buffer;
}

export interface PcapFile {
  linkType: number;
  records: PcapRecord[];
}

const MAGIC_MICROS = 0xa1b2c3d4;
const MAGIC_NANOS = 0xa1b23c4d;

/** Reads a whole classic pcap (either byte order, micro- or nanosecond timestamps). */
export function readPcap(path: string): PcapFile {
  const buf = readFileSync(path);
  const magicLE = buf.readUInt32LE(0);
  const le = magicLE === MAGIC_MICROS || magicLE === MAGIC_NANOS;
  const magic = le ? magicLE : buf.readUInt32BE(0);
  if (magic !== MAGIC_MICROS && magic !== MAGIC_NANOS) throw new Error(`${path}: not a classic pcap`);
  const u32 = (at: number): number => (le ? buf.readUInt32LE(at) : buf.readUInt32BE(at));
  const divisor = magic === MAGIC_NANOS ? 1000 : 1;
  const records: PcapRecord[] = [];
  for (let at = 24; at + 16 <= buf.length;) {
    const caplen = u32(at + 8);
    if (at + 16 + caplen > buf.length) break;
    const micros = u32(at) * 1_000_000 + Math.floor(u32(at + 4) / divisor);
    records.push({ micros, data: buf.subarray(at + 16, at + 16 + caplen) });
    at += 16 + caplen;
  }
  return { linkType: u32(20), records };
}

/** The 24-byte header of a little-endian microsecond pcap (snaplen 262144). */
export function pcapHeader(linkType: number): Buffer {
  const h = Buffer.alloc(24);
  h.writeUInt32LE(MAGIC_MICROS, 0);
  h.writeUInt16LE(2, 4);
  h.writeUInt16LE(4, 6);
  h.writeUInt32LE(262144, 16);
  h.writeUInt32LE(linkType, 20);
  return h;
}

/** Writes a little-endian microsecond pcap in 1 MiB batches. */
export class PcapWriter {
  private readonly fd: number;
  private parts: Buffer[] = [];
  private pending = 0;
  bytes = 0;
  packets = 0;

  constructor(path: string, linkType: number) {
    this.fd = openSync(path, 'w');
    this.push(pcapHeader(linkType));
  }

  write(micros: number, data: Buffer): void {
    const r = Buffer.allocUnsafe(16);
    r.writeUInt32LE(Math.floor(micros / 1_000_000), 0);
    r.writeUInt32LE(micros % 1_000_000, 4);
    r.writeUInt32LE(data.length, 8);
    r.writeUInt32LE(data.length, 12);
    this.push(r);
    this.push(data);
    this.packets++;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }

  private push(b: Buffer): void {
    this.parts.push(b);
    this.pending += b.length;
    this.bytes += b.length;
    if (this.pending >= 1 << 20) this.flush();
  }

  private flush(): void {
    if (this.pending > 0) writeSync(this.fd, Buffer.concat(this.parts, this.pending));
    this.parts = [];
    this.pending = 0;
  }
}
