/**
 * Big-endian reads for the per-packet header decoders. Buffer's readUInt16BE/readUInt32BE check their
 * arguments on every call (1 to 2 % of the decoding layer's CPU profile); the callers here have
 * already checked that the header is within `data`, so plain byte arithmetic does the same work.
 */
export function u16(data: Buffer, at: number): number {
  return (data[at]! << 8) | data[at + 1]!;
}

export function u32(data: Buffer, at: number): number {
  return data[at]! * 0x1000000 + ((data[at + 1]! << 16) | (data[at + 2]! << 8) | data[at + 3]!);
}

/** Signed: the same 32 bits as readInt32BE (a cache key). */
export function i32(data: Buffer, at: number): number {
  return (data[at]! << 24) | (data[at + 1]! << 16) | (data[at + 2]! << 8) | data[at + 3]!;
}
