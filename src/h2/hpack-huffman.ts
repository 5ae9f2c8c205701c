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

/** Collects octets in a zero-filled buffer of the upper bound: never exposes bytes it did not write. */
class OctetSink {
  readonly bytes: Buffer;
  length = 0;
  constructor(capacity: number) {
    this.bytes = Buffer.alloc(capacity);
  }
  push(octet: number): void {
    this.bytes[this.length++] = octet;
  }
}

function decodeStr(this: hpack.BitDecoder): Buffer {
  const isHuffman = this.decodeBit();
  const len = this.decodeInt();
  check(this.buffer.has(len), 'Not enough octets for string');
  if (!isHuffman) return this.buffer.take(len);
  this._huffmanNode = ROOT;
  const out = new OctetSink(Math.floor((8 * len) / 5));
  let word = 0;
  let bits = 0;
  for (let i = 0; i < len; i++) {
    word = (word << 8) | this.buffer.readUInt8();
    bits = this.decodeHuffmanWord(word, bits + 8, out);
    word &= (1 << bits) - 1;
  }
  check(this._huffmanNode === ROOT, '8-bit EOS');
  check(word + 1 === 1 << bits, 'Final sequence is not EOS');
  this._huffmanNode = null;
  return out.bytes.subarray(0, out.length);
}

/** A bit reader whose strings (plain or Huffman) come out as Buffers, at most 1.6 times their input. */
export function createBitDecoder(): hpack.BitDecoder {
  const reader = hpack.decoder.create();
  reader.decodeStr = decodeStr;
  return reader;
}
