/**
 * The HPACK primitives the adapter needs outside hpack.js: reading the dynamic table size updates that
 * open a block, and writing the literal representations that re-seed a decoder (RFC 7541 §5.1, §6.2.1).
 */

/** Larger values are not sizes anyone means; stop there instead of overflowing (RFC 7541 §5.1 allows it). */
const MAX_INTEGER = 2 ** 32;

/** RFC 7541 §5.1: an N-bit prefix integer at `at`; null when truncated or absurdly large. */
export function readPrefixInt(
  buf: Buffer,
  at: number,
  prefixBits: number,
): { value: number; next: number } | null {
  const first = buf[at];
  if (first === undefined) return null;
  const max = (1 << prefixBits) - 1;
  let value = first & max;
  if (value < max) return { value, next: at + 1 };
  let shift = 0;
  for (let i = at + 1; i < buf.length; i++) {
    const octet = buf[i]!;
    value += (octet & 0x7f) * 2 ** shift;
    if (value > MAX_INTEGER) return null;
    if ((octet & 0x80) === 0) return { value, next: i + 1 };
    shift += 7;
  }
  return null;
}

/** RFC 7541 §5.1: `value` with an N-bit prefix; `pattern` holds the representation's leading bits. */
export function writePrefixInt(value: number, prefixBits: number, pattern: number): number[] {
  const max = (1 << prefixBits) - 1;
  if (value < max) return [pattern | value];
  const out = [pattern | max];
  let left = value - max;
  while (left >= 0x80) {
    out.push((left % 0x80) | 0x80);
    left = Math.floor(left / 0x80);
  }
  out.push(left);
  return out;
}

/**
 * RFC 7541 §4.2, §6.3: the dynamic table size updates at the start of a block (001xxxxx, 5-bit prefix).
 * Only these are legal; one later in the block is noticed by the adapter from the table's size.
 */
export function leadingSizeUpdates(block: Buffer): number[] {
  const sizes: number[] = [];
  let at = 0;
  while (at < block.length && (block[at]! & 0xe0) === 0x20) {
    const int = readPrefixInt(block, at, 5);
    if (int === null) break;
    sizes.push(int.value);
    at = int.next;
  }
  return sizes;
}

/**
 * RFC 7541 §6.2.1 "Literal Header Field with Incremental Indexing -- New Name", no Huffman: adding this
 * to a fresh decoder re-creates a dynamic table entry byte for byte. `size` (if given) first sets the
 * table's maximum (§6.3).
 */
export function seedBlock(entries: ReadonlyArray<{ name: Buffer; value: Buffer }>, size?: number): Buffer {
  const parts: Buffer[] = [];
  if (size !== undefined) parts.push(Buffer.from(writePrefixInt(size, 5, 0x20)));
  for (const { name, value } of entries) {
    parts.push(Buffer.from([0x40]), Buffer.from(writePrefixInt(name.length, 7, 0)), name);
    parts.push(Buffer.from(writePrefixInt(value.length, 7, 0)), value);
  }
  return Buffer.concat(parts);
}
