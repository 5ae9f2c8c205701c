/**
 * A finite number's JSON text (as JSON.stringify and String print it) written as bytes, without a native
 * call per number: non-negative integers below 2^31 (counts, lengths, field numbers, stream ids: most
 * numbers of a record) digit by digit, others through String() copied a character at a time.
 */

/** Bytes the text of a finite number can take: `-1.7976931348623157e+308` is 24. */
export const NUMBER_ROOM = 32;

/** Writes `n` (finite) into `buf` at `at` (NUMBER_ROOM bytes free there); the position after it. */
export function writeNumber(buf: Uint8Array, at: number, n: number): number {
  if ((n | 0) === n && n >= 0) {
    // -0 passes too, written "0" as JSON.stringify writes it.
    if (n < 10) {
      buf[at] = 0x30 + n;
      return at + 1;
    }
    let end = at + 1;
    for (let x = n; x >= 10; x = (x / 10) | 0) end++;
    let i = end;
    for (let x = n; x > 0;) {
      const q = (x / 10) | 0;
      buf[--i] = 0x30 + x - q * 10;
      x = q;
    }
    return end;
  }
  const s = String(n);
  for (let i = 0; i < s.length; i++) buf[at++] = s.charCodeAt(i);
  return at;
}
