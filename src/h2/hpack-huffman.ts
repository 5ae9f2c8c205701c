import hpack from 'hpack.js';

/**
 * hpack.js decodes a Huffman string (RFC 7541 §5.2) into a JS array of numbers, one element per octet, and
 * then into a string by appending one character at a time: 70-90 bytes of heap per decoded octet while a
 * block is decoded, so a large Huffman literal cost far more memory than the capture held. This decoder
 * runs the same tree walk (hpack.js's own `decodeHuffmanWord`) into a Buffer sized from the input: the
 * shortest code is 5 bits, so `len` input octets decode to at most floor(8 * len / 5) octets.
 */
const ROOT = hpack.huffman.decode;

/** Same checks and errors as hpack.js's decodeStr (its `assert` throws an Error with these texts). */
function check(ok: boolean, message: string): void {
  if (!ok) throw new Error(message);
}

/** Collects octets in a buffer of at least the upper bound: only its first `length` octets are read. */
class OctetSink {
  bytes: Buffer;
  length = 0;
  constructor(capacity: number) {
    this.bytes = Buffer.alloc(capacity);
  }
  push(octet: number): void {
    this.bytes[this.length++] = octet;
  }
  /** Empty, holding at least `capacity` octets. */
  reset(capacity: number): this {
    if (this.bytes.length < capacity) this.bytes = Buffer.alloc(Math.max(capacity, 2 * this.bytes.length));
    this.length = 0;
    return this;
  }
}

/**
 * The one sink the latin1 reader decodes into: its strings are made before the next string is read, so
 * the octets need no buffer of their own (a fresh Buffer and a view of it per Huffman literal were 3 % of
 * the --summary profile of 26k unary calls).
 */
const SCRATCH = new OctetSink(256);

/** The octets of a string literal (§5.2) as a latin1 string, one char per octet, as hpack.js wants them. */
function decodeLatin1(this: hpack.BitDecoder): string {
  const isHuffman = this.decodeBit();
  const len = this.decodeInt();
  check(this.buffer.has(len), 'Not enough octets for string');
  if (!isHuffman) return len === 0 ? '' : this.buffer.take(len).toString('latin1');
  const out = huffman(this, len, SCRATCH.reset(Math.floor((8 * len) / 5)));
  return out.bytes.toString('latin1', 0, out.length);
}

/** The octets of a string literal (§5.2), in a Buffer of their own. */
function decodeStr(this: hpack.BitDecoder): Buffer {
  const isHuffman = this.decodeBit();
  const len = this.decodeInt();
  check(this.buffer.has(len), 'Not enough octets for string');
  if (!isHuffman) return this.buffer.take(len);
  const out = huffman(this, len, new OctetSink(Math.floor((8 * len) / 5)));
  return out.bytes.subarray(0, out.length);
}

/** Decodes `len` Huffman-coded octets of the input into `out` (hpack.js's checks and errors). */
function huffman(reader: hpack.BitDecoder, len: number, out: OctetSink): OctetSink {
  reader._huffmanNode = ROOT;
  let word = 0;
  let bits = 0;
  for (let i = 0; i < len; i++) {
    word = (word << 8) | reader.buffer.readUInt8();
    bits = reader.decodeHuffmanWord(word, bits + 8, out);
    word &= (1 << bits) - 1;
  }
  check(reader._huffmanNode === ROOT, '8-bit EOS');
  check(word + 1 === 1 << bits, 'Final sequence is not EOS');
  reader._huffmanNode = null;
  return out;
}

/**
 * A bit reader whose strings (plain or Huffman) come out as Buffers of their own, at most 1.6 times their
 * input; with `latin1`, as latin1 strings (hpack.js turns every string into one at once: its
 * `utils.stringify`, patched in hpack-decoder.ts, passes them through).
 */
export function createBitDecoder(latin1 = false): hpack.BitDecoder {
  const reader = hpack.decoder.create();
  reader.decodeStr = latin1 ? decodeLatin1 : decodeStr;
  return reader;
}
