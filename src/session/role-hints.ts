/**
 * Which side is the client when neither a SYN nor the preface was captured: the header blocks say it.
 * RFC 9113 §8.3: pseudo-header fields come first in a block; requests carry :method/:path/:scheme/:authority,
 * responses :status. HPACK's static table (RFC 7541 Appendix A) gives them fixed indexes (1-7 request,
 * 8-14 :status), usable even when the dynamic table is unknown. Pure and best-effort.
 */
export type BlockKind = 'request' | 'response' | null;

const FRAME_HEADER = 9;
const HEADERS = 0x1;
const FLAG_PADDED = 0x8;
const FLAG_PRIORITY = 0x20;

/** Reads an HPACK prefix integer (RFC 7541 §5.1); null when cut off. */
function prefixInt(buf: Buffer, at: number, bits: number): { value: number; next: number } | null {
  const first = buf[at];
  if (first === undefined) return null;
  const max = (1 << bits) - 1;
  let value = first & max;
  let i = at + 1;
  if (value < max) return { value, next: i };
  for (let shift = 0; shift < 28; shift += 7) {
    const b = buf[i++];
    if (b === undefined) return null;
    value += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return { value, next: i };
  }
  return null;
}

/** Classifies a header block by its first field's static-table index. */
export function classifyHeaderBlock(block: Buffer): BlockKind {
  let at = 0;
  // Dynamic table size updates (001xxxxx) may precede the first field.
  while (at < block.length && (block[at]! & 0xe0) === 0x20) {
    const n = prefixInt(block, at, 5);
    if (!n) return null;
    at = n.next;
  }
  const b = block[at];
  if (b === undefined) return null;
  // Indexed (1xxxxxxx, 7-bit index) or literal with indexed name (01xxxxxx 6-bit; 0000xxxx / 0001xxxx 4-bit).
  const bits = b & 0x80 ? 7 : b & 0x40 ? 6 : 4;
  const index = prefixInt(block, at, bits)?.value ?? 0;
  if (index >= 1 && index <= 7) return 'request';
  if (index >= 8 && index <= 14) return 'response';
  return null;
}

/** Walks whole frames from `start` and classifies the first HEADERS block found. */
export function firstHeadersKind(buf: Buffer, start: number): BlockKind {
  let at = start;
  while (at + FRAME_HEADER <= buf.length) {
    const length = buf.readUIntBE(at, 3);
    const type = buf[at + 3]!;
    const flags = buf[at + 4]!;
    const end = at + FRAME_HEADER + length;
    if (type === HEADERS && end <= buf.length) {
      let p = at + FRAME_HEADER;
      const pad = flags & FLAG_PADDED ? buf[p++]! : 0;
      if (flags & FLAG_PRIORITY) p += 5;
      const kind = classifyHeaderBlock(buf.subarray(p, end - pad));
      if (kind) return kind;
    }
    at = end;
  }
  return null;
}
