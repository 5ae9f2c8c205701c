/**
 * The JSON of a schema-less decoded message (a LazyRawMessage, src/grpc/raw-message.ts) written straight
 * from the message's bytes into an output buffer: the same bytes as JSON.stringify of decodeRaw's fields,
 * without the field objects, the strings, the JSON text and its UTF-8 encoding (issue 13: on the unary
 * shape those were most of the ndjson report's cost). The decisions are decodeRaw's own (its scan, its
 * budget, its text rule), taken from src/grpc/protobuf-raw.ts; only the building is replaced by writing.
 *
 * JSON.stringify escapes `"`, `\` and the C0 controls in strings; a decoded string holds no C0 control but
 * tab, LF and CR (the text rule), and no lone surrogate (it is valid UTF-8), so its JSON is its bytes with
 * those five escaped. It holds no DEL or C1 control either: nothing here needs json-text.ts's escaping.
 */
import { isUtf8 } from 'node:buffer';
import { LAZY_HEX_MIN_BYTES } from '../grpc/raw-bytes.js';
import { type Ctx, rawCtx, readVarintAt, scanFields, skipVarint, spendFields } from '../grpc/protobuf-raw.js';
import { hexInto } from './json-value.js';
import { NUMBER_ROOM, writeNumber } from './json-number.js';

/** A buffer being filled: `room(n)` makes n bytes free at `pos` (it may replace `buf` and `pos`). */
export interface ByteOut {
  buf: Buffer<ArrayBuffer>;
  pos: number;
  room(n: number): void;
}

/** Room for a field's fixed parts: `{"field":4294967295,"wire":"sgroup","value":{"kind":"message",...`. */
const FIELD_ROOM = 128;

const enc = (s: string): Buffer => Buffer.from(s, 'latin1');
const OPEN_RAW = enc('{"kind":"raw","fields":[');
const CLOSE_RAW = enc(']}');
const FIELD = enc('{"field":');
const WIRE_VARINT = enc(',"wire":"varint","value":');
const WIRE_I64 = enc(',"wire":"i64","value":{"hex":"0x');
const WIRE_I32 = enc(',"wire":"i32","value":{"hex":"0x');
const FLOAT = enc('","float":');
const WIRE_LEN = enc(',"wire":"len","value":');
const WIRE_SGROUP = enc(',"wire":"sgroup","value":[');
const MESSAGE = enc('{"kind":"message","fields":[');
const STRING = enc('{"kind":"string","text":"');
const BYTES = enc('{"kind":"bytes","hex":"');
const PACKED = enc(',"packedVarints":[');
const LENGTH = enc(',"length":');
const TRUNCATED_TRUE = enc(',"truncated":true}');
const HEX = enc('0123456789abcdef');

/** Writes `{"kind":"raw","fields":[...]}` for `bytes`, which must parse as protobuf (parsesAsProtobuf). */
export function writeRawMessage(bytes: Uint8Array, o: ByteOut, bytesHead = Number.POSITIVE_INFINITY): void {
  const ctx = rawCtx(bytes, { bytesHead });
  // The message as 32-bit words from its first 4-byte aligned address (plainEnd reads it a word at a time).
  const start = ctx.buf.byteOffset;
  wordBase = (start + 3) & ~3;
  words = new Int32Array(ctx.buf.buffer, wordBase, Math.max(0, (start + ctx.buf.length - wordBase) >> 2));
  put(o, OPEN_RAW);
  writeFields(ctx, o, 0, bytes.length, 0, 0);
  put(o, CLOSE_RAW);
}

function put(o: ByteOut, b: Buffer): void {
  o.room(b.length);
  o.buf.set(b, o.pos);
  o.pos += b.length;
}

/** ASCII text (numbers, floats' digits): the caller made room. */
function ascii(o: ByteOut, s: string): void {
  o.pos += o.buf.write(s, o.pos, 'latin1');
}

/**
 * parseFields writing each field's JSON (comma separated, no brackets) instead of building it. The run
 * must parse (scanFields said so): failures are not possible here, only the budget is tracked. Returns
 * the position where the run ended (after a group's EGROUP).
 */
function writeFields(ctx: Ctx, o: ByteOut, pos: number, end: number, depth: number, group: number): number {
  const buf = ctx.buf;
  let first = true;
  while (pos < end) {
    let tag = buf[pos]!;
    if (tag < 0x80) pos++;
    else {
      pos = readVarintAt(ctx, buf, pos, end);
      tag = ctx.value as number;
    }
    const field = Math.floor(tag / 8);
    const wireType = tag & 7;
    if (wireType === 4 && group === field) return pos;
    o.room(FIELD_ROOM);
    if (!first) o.buf[o.pos++] = 0x2c; // ,
    first = false;
    put(o, FIELD);
    o.pos = writeNumber(o.buf, o.pos, field);
    switch (wireType) {
      case 0: {
        pos = readVarintAt(ctx, buf, pos, end);
        put(o, WIRE_VARINT);
        number(o, ctx.value);
        o.buf[o.pos++] = 0x7d; // }
        break;
      }
      case 1:
      case 5: {
        const size = wireType === 1 ? 8 : 4;
        put(o, size === 8 ? WIRE_I64 : WIRE_I32);
        for (let i = pos + size - 1; i >= pos; i--) hexByte(o, buf[i]!);
        put(o, FLOAT);
        const f = size === 8 ? buf.readDoubleLE(pos) : buf.readFloatLE(pos);
        // As JSON.stringify of decodeRaw's `float`: a number, or NaN and the infinities as strings.
        if (Number.isFinite(f)) o.pos = writeNumber(o.buf, o.pos, f);
        else ascii(o, `"${String(f)}"`);
        o.buf[o.pos++] = 0x7d; // }
        o.buf[o.pos++] = 0x7d;
        pos += size;
        break;
      }
      case 2: {
        const at = readVarintAt(ctx, buf, pos, end);
        const n = ctx.value as number;
        put(o, WIRE_LEN);
        writeLen(ctx, o, at, at + n, depth);
        o.room(1);
        o.buf[o.pos++] = 0x7d; // }
        pos = at + n;
        break;
      }
      default: {
        // 3: SGROUP
        put(o, WIRE_SGROUP);
        pos = writeFields(ctx, o, pos, end, depth + 1, field);
        o.room(2);
        o.buf[o.pos++] = 0x5d; // ]
        o.buf[o.pos++] = 0x7d; // }
      }
    }
  }
  return pos;
}

/** A varint's value as JSON (a number, or a decimal string past 2^53); the caller made room. */
function number(o: ByteOut, v: number | string): void {
  if (typeof v === 'number') o.pos = writeNumber(o.buf, o.pos, v);
  else ascii(o, `"${v}"`);
}

function hexByte(o: ByteOut, b: number): void {
  o.buf[o.pos++] = HEX[b >> 4]!;
  o.buf[o.pos++] = HEX[b & 15]!;
}

/** classifyLen writing the value: a nested message if the bytes parse fully, else a string, else bytes. */
function writeLen(ctx: Ctx, o: ByteOut, start: number, end: number, depth: number): void {
  const len = end - start;
  if (len > 0 && depth + 1 <= ctx.maxDepth && ctx.budget >= len) {
    ctx.budget -= len;
    ctx.lenSeen = false;
    if (scanFields(ctx, start, end, depth + 1, 0)) {
      put(o, MESSAGE);
      writeFields(ctx, o, start, end, depth + 1, 0);
      put(o, CLOSE_RAW);
      return;
    }
    if (ctx.lenSeen) spendFields(ctx, start, end, depth + 1, 0);
  }
  if (writeString(ctx.buf, start, end, o)) return;
  if (len > ctx.bytesHead) writeBytesHead(ctx, o, start, end);
  else writeBytes(ctx, o, start, end);
}

/** --payload head's long bytes field: `{"kind":"bytes","hex":"<first bytesHead>","length":n,"truncated":true}`. */
function writeBytesHead(ctx: Ctx, o: ByteOut, start: number, end: number): void {
  put(o, BYTES);
  o.room(2 * ctx.bytesHead + 1);
  for (let i = start; i < start + ctx.bytesHead; i++) hexByte(o, ctx.buf[i]!);
  o.buf[o.pos++] = 0x22; // "
  put(o, LENGTH);
  o.room(NUMBER_ROOM);
  number(o, end - start);
  put(o, TRUNCATED_TRUE);
}

/**
 * `{"kind":"string","text":"..."}` when the bytes are printable UTF-8 (decodeRaw's printableUtf8: no C0
 * control but tab, LF and CR, no DEL, and when any byte is not ASCII, valid UTF-8 without C1 controls);
 * false, with nothing written, when they are not. One pass checks and copies.
 */
function writeString(buf: Buffer, start: number, end: number, o: ByteOut): boolean {
  // The escapes at most double the bytes.
  o.room(STRING.length + 2 * (end - start) + 2);
  const dst = o.buf;
  const from = o.pos;
  dst.set(STRING, from);
  let at = from + STRING.length;
  let high = false;
  for (let i = start; i < end; i++) {
    // Runs of characters written as they are (most of a text) are found a word at a time and copied.
    const plain = plainEnd(buf, i, end);
    if (plain > i) {
      buf.copy(dst, at, i, plain);
      at += plain - i;
      i = plain;
      if (i === end) break;
    }
    const b = buf[i]!;
    if (b >= 0x20 && b < 0x7f) {
      if (b === 0x22 || b === 0x5c) dst[at++] = 0x5c; // \" and \\
      dst[at++] = b;
    } else if (b >= 0x80) {
      // U+0080-U+009F (C1 controls) are C2 80-9F in UTF-8.
      if (b === 0xc2 && i + 1 < end && buf[i + 1]! <= 0x9f) return false;
      high = true;
      dst[at++] = b;
    } else if (b === 0x09) {
      dst[at++] = 0x5c;
      dst[at++] = 0x74; // \t
    } else if (b === 0x0a) {
      dst[at++] = 0x5c;
      dst[at++] = 0x6e; // \n
    } else if (b === 0x0d) {
      dst[at++] = 0x5c;
      dst[at++] = 0x72; // \r
    } else return false; // other C0 controls, DEL
  }
  if (high && !isUtf8(buf.subarray(start, end))) return false;
  dst[at++] = 0x22; // "
  dst[at++] = 0x7d; // }
  o.pos = at;
  return true;
}

/** The message being written, as 32-bit words from the byte address wordBase (writeRawMessage sets them). */
let words: Int32Array = new Int32Array(0);
let wordBase = 0;

/** True for a byte a JSON string holds as it is in a decoded text: printable ASCII but `"` and `\`. */
function isPlain(b: number): boolean {
  return b >= 0x20 && b < 0x7f && b !== 0x22 && b !== 0x5c;
}

/**
 * The first index in [i, end) of a byte that is not plain (isPlain), or `end`. Whole words are tested at
 * once ("Bit Twiddling Hacks", hasless and haszero: a byte below 0x20, or equal to 0x7f, 0x22 or 0x5c,
 * sets that byte's high bit; so does a byte of 0x80 or more itself), four times fewer steps than a byte
 * at a time; the word that holds one is searched byte by byte.
 */
function plainEnd(buf: Buffer, i: number, end: number): number {
  const offset = buf.byteOffset;
  while (i < end && ((offset + i) & 3) !== 0) {
    if (!isPlain(buf[i]!)) return i;
    i++;
  }
  let k = (offset + i - wordBase) >> 2;
  const last = k + ((end - i) >> 2);
  for (; k < last; k++) {
    const x = words[k]!;
    const del = x ^ 0x7f7f7f7f;
    const quote = x ^ 0x22222222;
    const backslash = x ^ 0x5c5c5c5c;
    const flags =
      x |
      ((x - 0x20202020) & ~x) |
      ((del - 0x01010101) & ~del) |
      ((quote - 0x01010101) & ~quote) |
      ((backslash - 0x01010101) & ~backslash);
    if ((flags & 0x80808080) !== 0) break;
  }
  i = wordBase + 4 * k - offset;
  while (i < end && isPlain(buf[i]!)) i++;
  return i;
}

/** `{"kind":"bytes","hex":"..."}`, with `packedVarints` when the bytes read fully as varints. */
function writeBytes(ctx: Ctx, o: ByteOut, start: number, end: number): void {
  const n = end - start;
  put(o, BYTES);
  o.room(2 * n + 2);
  // Short fields a byte at a time; long ones (payloads) by hexInto's 16-bit stores, as LazyHexBytes'.
  if (n < LAZY_HEX_MIN_BYTES) for (let i = start; i < end; i++) hexByte(o, ctx.buf[i]!);
  else o.pos = hexInto(ctx.buf.subarray(start, end), o.buf, o.pos);
  o.buf[o.pos++] = 0x22; // "
  const count = varintCount(ctx.buf, start, end);
  if (count > 0) {
    put(o, PACKED);
    let pos = start;
    for (let i = 0; i < count; i++) {
      o.room(NUMBER_ROOM + 1);
      if (i > 0) o.buf[o.pos++] = 0x2c; // ,
      pos = readVarintAt(ctx, ctx.buf, pos, end);
      number(o, ctx.value);
    }
    o.room(1);
    o.buf[o.pos++] = 0x5d; // ]
  }
  o.room(1);
  o.buf[o.pos++] = 0x7d; // }
}

/** How many varints the bytes read as, or 0 when they are not a list of varints (packedVarints' count). */
function varintCount(buf: Buffer, start: number, end: number): number {
  if (start === end) return 0;
  let count = 0;
  for (let pos = start; pos < end; count++) {
    pos = skipVarint(buf, pos, end);
    if (pos < 0) return 0;
  }
  return count;
}
