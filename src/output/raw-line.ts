/**
 * A whole ndjson call line whose schema-less messages are written from their bytes (ndjson.ts
 * lazyRawText, raw-json.ts), into any ByteOut: the report's OutputStream on one thread, and a decoding
 * thread's batch of lines with --threads, so both write the same bytes the same way.
 */
import type { LazyRawMessage } from '../grpc/raw-message.js';
import { holdsC1 } from './json-line.js';
import { escapeC1 } from './json-text.js';
import { PLACEHOLDER } from './ndjson.js';
import { writeRawMessage, type ByteOut } from './raw-json.js';

/** UTF-8 bytes one UTF-16 unit can take (a surrogate pair: 4 bytes for 2 units). */
const MAX_UTF8_PER_UNIT = 3;

/**
 * Writes `head`, then `text` with each PLACEHOLDER replaced by the next message's JSON (raw-json.ts), then
 * `}\n`. The pieces of `text` are encoded and searched for DEL and C1 controls as jsonLine's line is (the
 * messages' JSON has none); a piece that holds one is written again, escaped, in its place.
 */
export function writeRawLine(
  o: ByteOut,
  head: Uint8Array,
  text: string,
  messages: readonly LazyRawMessage[],
): void {
  o.room(head.length);
  o.buf.set(head, o.pos);
  o.pos += head.length;
  let from = 0;
  for (const m of messages) {
    const at = text.indexOf(PLACEHOLDER, from) + PLACEHOLDER.length - 1;
    piece(o, text.slice(from, at));
    writeRawMessage(m.bytes!, o);
    from = at + 1; // past the placeholder's 0
  }
  piece(o, text.slice(from) + '}\n');
}

/** JSON text into `o`, escaped as jsonText would when it holds DEL or a C1 control. */
function piece(o: ByteOut, s: string): void {
  o.room(s.length * MAX_UTF8_PER_UNIT + 2);
  const start = o.pos;
  o.pos += o.buf.write(s, start);
  if (!holdsC1(o.buf, start, o.pos)) return;
  const escaped = escapeC1(s);
  o.pos = start;
  o.room(escaped.length * MAX_UTF8_PER_UNIT);
  o.pos += o.buf.write(escaped, o.pos);
}
