/**
 * Hand-built capture bytes for tests. Layouts follow draft-ietf-opsawg-pcap (§4 file header, §5 packet
 * record) and draft-ietf-opsawg-pcapng (§3.1 block, §3.5 options, §4.1-4.7 blocks, Appendix A).
 */
export type ByteOrder = 'le' | 'be';

export interface PcapRecord {
  sec: number;
  /** Microseconds, or nanoseconds in a nanosecond file. */
  frac: number;
  data: Buffer;
  originalLength?: number;
  /** Overrides incl_len (to build corrupt files). */
  inclLength?: number;
}

export interface PcapSpec {
  byteOrder: ByteOrder;
  nanosecond?: boolean;
  /** The whole 32-bit LinkType field (FCS bits included). Default 1 (Ethernet). */
  linkType?: number;
  snaplen?: number;
  versionMajor?: number;
  versionMinor?: number;
  records: PcapRecord[];
}

export const MAGIC_US = 0xa1b2c3d4;
export const MAGIC_NS = 0xa1b23c4d;

export function pcapHeader(spec: Omit<PcapSpec, 'records'>): Buffer {
  const w = writer(spec.byteOrder, 24);
  w.u32(spec.nanosecond ? MAGIC_NS : MAGIC_US); // written in the file's own order: that is what flags it
  w.u16(spec.versionMajor ?? 2);
  w.u16(spec.versionMinor ?? 4);
  w.u32(0); // thiszone
  w.u32(0); // sigfigs
  w.u32(spec.snaplen ?? 65535);
  w.u32(spec.linkType ?? 1);
  return w.buf;
}

export function pcapRecord(order: ByteOrder, r: PcapRecord): Buffer {
  const w = writer(order, 16);
  w.u32(r.sec);
  w.u32(r.frac);
  w.u32(r.inclLength ?? r.data.length);
  w.u32(r.originalLength ?? r.data.length);
  return Buffer.concat([w.buf, r.data]);
}

export function buildPcap(spec: PcapSpec): Buffer {
  return Buffer.concat([pcapHeader(spec), ...spec.records.map((r) => pcapRecord(spec.byteOrder, r))]);
}

/** §3.1: type, total length, body padded to 32 bits, total length again. */
export function block(order: ByteOrder, type: number, body: Buffer, trailer?: number): Buffer {
  const padded = Buffer.concat([body, Buffer.alloc(pad4(body.length) - body.length)]);
  const length = padded.length + 12;
  const head = writer(order, 8);
  head.u32(type);
  head.u32(length);
  const tail = writer(order, 4);
  tail.u32(trailer ?? length);
  return Buffer.concat([head.buf, padded, tail.buf]);
}

/** §3.5: one option, value padded to 32 bits. */
export function option(order: ByteOrder, code: number, value: Buffer): Buffer {
  const w = writer(order, 4);
  w.u16(code);
  w.u16(value.length);
  return Buffer.concat([w.buf, value, Buffer.alloc(pad4(value.length) - value.length)]);
}

export function endOfOptions(): Buffer {
  return Buffer.alloc(4);
}

/** §4.1 Section Header Block. */
export function shb(order: ByteOrder, opts: { major?: number; minor?: number } = {}): Buffer {
  const w = writer(order, 16);
  w.u32(0x1a2b3c4d);
  w.u16(opts.major ?? 1);
  w.u16(opts.minor ?? 0);
  w.u32(0xffffffff); // section length -1: unspecified
  w.u32(0xffffffff);
  return block(order, 0x0a0d0d0a, w.buf);
}

/** §4.2 Interface Description Block. */
export function idb(order: ByteOrder, linkType: number, snaplen: number, options: Buffer[] = []): Buffer {
  const w = writer(order, 8);
  w.u16(linkType);
  w.u16(0);
  w.u32(snaplen);
  const opts = options.length > 0 ? [...options, endOfOptions()] : [];
  return block(order, 1, Buffer.concat([w.buf, ...opts]));
}

/** §4.3 Enhanced Packet Block; `ts` in interface units. */
export function epb(
  order: ByteOrder,
  ifaceId: number,
  ts: bigint,
  data: Buffer,
  originalLength?: number,
): Buffer {
  const w = writer(order, 20);
  w.u32(ifaceId);
  w.u32(Number(ts >> 32n));
  w.u32(Number(ts & 0xffffffffn));
  w.u32(data.length);
  w.u32(originalLength ?? data.length);
  return block(order, 6, Buffer.concat([w.buf, data]));
}

/** Appendix A obsolete Packet Block. */
export function packetBlock(order: ByteOrder, ifaceId: number, ts: bigint, data: Buffer): Buffer {
  const w = writer(order, 20);
  w.u16(ifaceId);
  w.u16(0); // drops count
  w.u32(Number(ts >> 32n));
  w.u32(Number(ts & 0xffffffffn));
  w.u32(data.length);
  w.u32(data.length);
  return block(order, 2, Buffer.concat([w.buf, data]));
}

/** §4.4 Simple Packet Block. */
export function spb(order: ByteOrder, originalLength: number, data: Buffer): Buffer {
  const w = writer(order, 4);
  w.u32(originalLength);
  return block(order, 3, Buffer.concat([w.buf, data]));
}

/** §4.7 Decryption Secrets Block. */
export function dsb(order: ByteOrder, secretsType: number, data: Buffer): Buffer {
  const w = writer(order, 8);
  w.u32(secretsType);
  w.u32(data.length);
  return block(order, 0x0a, Buffer.concat([w.buf, data]));
}

export function u8(n: number): Buffer {
  return Buffer.from([n]);
}

export function i64(order: ByteOrder, n: bigint): Buffer {
  const b = Buffer.alloc(8);
  if (order === 'le') b.writeBigInt64LE(n);
  else b.writeBigInt64BE(n);
  return b;
}

/** Deterministic filler bytes, so packets differ from each other. */
export function bytes(length: number, seed: number): Buffer {
  const b = Buffer.alloc(length);
  for (let i = 0; i < length; i++) b[i] = (seed * 31 + i * 7) & 0xff;
  return b;
}

function pad4(n: number): number {
  return (n + 3) & ~3;
}

function writer(order: ByteOrder, size: number) {
  const buf = Buffer.alloc(size);
  let pos = 0;
  return {
    buf,
    u16(v: number) {
      pos = order === 'le' ? buf.writeUInt16LE(v, pos) : buf.writeUInt16BE(v, pos);
    },
    u32(v: number) {
      pos = order === 'le' ? buf.writeUInt32LE(v >>> 0, pos) : buf.writeUInt32BE(v >>> 0, pos);
    },
  };
}
