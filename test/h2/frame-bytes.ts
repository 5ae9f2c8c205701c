/**
 * Hand-built HTTP/2 frames for tests, laid out as RFC 9113 §4.1 says:
 * Length (24) | Type (8) | Flags (8) | R (1) + Stream Identifier (31) | Frame Payload.
 */
import hpack from 'hpack.js';

export function frame(type: number, flags: number, stream: number, payload: Buffer | number[] = []): Buffer {
  const body = Buffer.isBuffer(payload) ? payload : Buffer.from(payload);
  const header = Buffer.alloc(9);
  header.writeUIntBE(body.length, 0, 3);
  header.writeUInt8(type, 3);
  header.writeUInt8(flags, 4);
  header.writeUInt32BE(stream >>> 0, 5);
  return Buffer.concat([header, body]);
}

export function u32(n: number): number[] {
  return [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

export function setting(id: number, value: number): number[] {
  return [(id >> 8) & 0xff, id & 0xff, ...u32(value)];
}

/** An HPACK encoder (hpack.js Compressor) with a 4096-octet table, as a peer would start with. */
export function encoder(maxSize = 4096): (headers: Array<[string, string]>) => Buffer {
  const comp = hpack.compressor.create({ table: { maxSize } });
  return (headers) => {
    comp.write(headers.map(([name, value]) => ({ name, value })));
    return comp.read() ?? Buffer.alloc(0);
  };
}

/** Deterministic PRNG (mulberry32) so fuzz and split tests are reproducible. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
