/** Test helper: a ByteOut (src/output/raw-json.ts) over buffers of `chunk` bytes, as an output stream fills it. */
import type { ByteOut } from '../../src/output/raw-json.js';

/**
 * Runs `write` into buffers of `chunk` bytes (a small one makes every room() call start a new buffer, as a
 * full output buffer does) and returns what was written, joined, as UTF-8 text.
 */
export function writtenText(write: (o: ByteOut) => void, chunk = 1 << 16): string {
  const done: Buffer[] = [];
  const o: ByteOut = {
    buf: Buffer.alloc(chunk),
    pos: 0,
    room(n) {
      if (n <= o.buf.length - o.pos) return;
      done.push(o.buf.subarray(0, o.pos));
      o.buf = Buffer.alloc(Math.max(chunk, n));
      o.pos = 0;
    },
  };
  write(o);
  done.push(o.buf.subarray(0, o.pos));
  return Buffer.concat(done).toString('utf8');
}
