/**
 * One ndjson line, `HEAD` + the record's JSON text + `}\n`, encoded straight into an output buffer. The
 * JSON text must be written without DEL and C1 controls raw (json-text.ts); jsonText finds them with a
 * regex over every character of every record (12 % of writing a call record). Here the text is encoded
 * first and its bytes searched with memchr (Buffer.indexOf): DEL is the byte 7F, and a C1 control the
 * pair C2 80-9F, so a line without either byte is done; the rare one with them is left to the caller to
 * write again, escaped (its text grows, up to 6 bytes per character).
 */

const DEL = 0x7f;
/** The first UTF-8 byte of U+0080-U+00BF: the C1 controls and a few printable Latin-1 characters. */
const C2 = 0xc2;
const CLOSE = 0x7d; // }
const NEWLINE = 0x0a;

/**
 * The bytes writeJsonLine may touch: UTF-8 takes at most 3 bytes per UTF-16 code unit, then `}\n`, and
 * two bytes past the line where the search's sentinels go.
 */
export function jsonLineRoom(head: Uint8Array, text: string): number {
  return head.length + text.length * 3 + 4;
}

/**
 * Writes the line into `dst` from `at` (with jsonLineRoom(head, text) bytes free there): the position after
 * it, or -1 when the text holds DEL or a C1 control (what was written is then garbage past the caller's
 * end). `text` is JSON.stringify of the record.
 */
export function writeJsonLine(dst: Buffer, at: number, head: Uint8Array, text: string): number {
  dst.set(head, at);
  const start = at + head.length;
  const end = start + dst.write(text, start);
  if (holdsC1(dst, start, end)) return -1;
  dst[end] = CLOSE;
  dst[end + 1] = NEWLINE;
  return end + 2;
}

/** True when dst[start, end) holds DEL or a C1 control; overwrites the two bytes after `end`. */
export function holdsC1(dst: Buffer, start: number, end: number): boolean {
  // Sentinels: each search stops at the latest right after the text instead of running to the
  // buffer's end (a megabyte of unused bytes after most lines).
  dst[end] = DEL;
  dst[end + 1] = C2;
  if (dst.indexOf(DEL, start) < end) return true;
  for (let i = dst.indexOf(C2, start); i < end; i = dst.indexOf(C2, i + 1)) {
    const next = dst[i + 1]!;
    if (next >= 0x80 && next <= 0x9f) return true;
  }
  return false;
}
