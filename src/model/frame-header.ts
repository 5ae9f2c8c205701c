/**
 * The 9-byte HTTP/2 frame header, rebuilt from a FrameRecord's fields (RFC 9113 §4.1): the store keeps
 * length, type, flags and stream in columns, so the header bytes are exact without being kept.
 */
import { FRAME_TYPE_BY_NAME } from '../h2/frame-type-names.js';

/** RFC 9113 §4.1: Length (24) + Type (8) + Flags (8) + R (1) + Stream Identifier (31). */
export const FRAME_HEADER_LENGTH = 9;

/** The type byte of a frame type name: "HEADERS" -> 0x1, "UNKNOWN_0xfa" -> 0xfa (h2/constants.ts names). */
export function wireType(name: string): number {
  const known = FRAME_TYPE_BY_NAME.get(name);
  if (known !== undefined) return known;
  const m = /^UNKNOWN_0x([0-9a-f]{1,2})$/i.exec(name);
  if (!m) throw new Error(`not a frame type name: ${name}`);
  return parseInt(m[1]!, 16);
}

/** Writes the frame header into `out` at `at`. The reserved bit is written as 0 (the record drops it). */
export function writeFrameHeader(
  out: Uint8Array,
  at: number,
  h: { length: number; type: number; flags: number; stream: number },
): void {
  out[at] = (h.length >>> 16) & 0xff;
  out[at + 1] = (h.length >>> 8) & 0xff;
  out[at + 2] = h.length & 0xff;
  out[at + 3] = h.type;
  out[at + 4] = h.flags;
  out[at + 5] = (h.stream >>> 24) & 0x7f;
  out[at + 6] = (h.stream >>> 16) & 0xff;
  out[at + 7] = (h.stream >>> 8) & 0xff;
  out[at + 8] = h.stream & 0xff;
}
