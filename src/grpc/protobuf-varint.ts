/**
 * Base 128 varints (protobuf encoding spec, "Base 128 Varints"): 7 bits per byte, least significant group
 * first, MSB set on every byte but the last; at most 10 bytes for 64 bits.
 */

export const MAX_VARINT_BYTES = 10;

export type VarintRead =
  /** value: a number when it is at most 2^53 - 1, else its unsigned decimal string (mod 2^64). */
  { ok: true; value: number | string; pos: number } | { ok: false; truncated: boolean; pos: number };

const TWO_64 = 1n << 64n;

/** Reads one varint from buf[pos..end). Never throws. */
export function readVarint(buf: Uint8Array, pos: number, end: number): VarintRead {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < MAX_VARINT_BYTES; i++) {
    const at = pos + i;
    if (at >= end) return { ok: false, truncated: true, pos };
    const b = buf[at] ?? 0;
    value += (b & 0x7f) * scale;
    if (b < 0x80) {
      // Past 7 bytes (49 bits) the sum may have lost precision: redo it exactly.
      if (i < 7 || Number.isSafeInteger(value)) return { ok: true, value, pos: at + 1 };
      return { ok: true, value: exactVarint(buf, pos, at + 1), pos: at + 1 };
    }
    scale *= 128;
  }
  return { ok: false, truncated: false, pos };
}

/** The exact value of the varint in buf[start..end) (mod 2^64), as readVarint reports it. */
export function exactVarint(buf: Uint8Array, start: number, end: number): number | string {
  let v = 0n;
  for (let i = end - 1; i >= start; i--) v = (v << 7n) | BigInt((buf[i] ?? 0) & 0x7f);
  v %= TWO_64; // a 10th byte can carry bits above 64: protobuf parsers drop them
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
}
