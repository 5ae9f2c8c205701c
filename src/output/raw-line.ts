/**
 * A whole ndjson line, `head` + the record's JSON + `}\n`, written into any ByteOut (json-bytes.ts): the
 * report's OutputStream on one thread, and a decoding thread's batch of lines with --threads, so both
 * write the same bytes the same way.
 */
import { writeJsonBytes } from './json-bytes.js';
import type { ByteOut } from './raw-json.js';

const END = Buffer.from('}\n', 'latin1');

/** Writes `head`, the JSON of `value` (jsonText's, schema-less messages and payload hex from their bytes), `}\n`. */
export function writeLine(o: ByteOut, head: Uint8Array, value: unknown): void {
  if (head.length + 2 > o.buf.length - o.pos) o.room(head.length + 2);
  o.buf.set(head, o.pos);
  o.pos += head.length;
  writeJsonBytes(o, value);
  if (2 > o.buf.length - o.pos) o.room(2);
  o.buf[o.pos++] = END[0]!;
  o.buf[o.pos++] = END[1]!;
}
