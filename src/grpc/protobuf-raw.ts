/**
 * Schema-less protobuf decoding, like `protoc --decode_raw` (protobuf encoding spec, "Message Structure":
 * tag = (field_number << 3) | wire_type; wire types 0 VARINT, 1 I64, 2 LEN, 3 SGROUP, 4 EGROUP, 5 I32).
 * Robust against any bytes: never throws, bounded depth and work; a LEN field is a nested message only
 * when its bytes parse fully (protoc's rule), otherwise a printable UTF-8 string, otherwise bytes.
 *
 * Written for speed (it runs on every message of every call): the parser keeps its position, the last
 * varint and the error in one mutable context instead of returning a small result object per tag, value
 * and varint, and errors stay a code until the top level needs their text (a failed nested-message guess
 * throws its error away); scanFields checks a nested-message guess before anything is built for it. With
 * the text check below, decodeRaw went from 1.24 s to 0.56 s CPU in a profile of the 300 MB bench.
 */
import { isUtf8 } from 'node:buffer';
import { exactVarint, MAX_VARINT_BYTES } from './protobuf-varint.js';
import { holdsLazyHex, LAZY_HEX_MIN_BYTES, LazyHexBytes, markHoldsLazyHex } from './raw-bytes.js';

export type { RawField, RawFixed, RawLen, RawWire } from '../records/call.js';
import type { RawField, RawFixed, RawLen } from '../records/call.js';

export type RawDecodeResult =
  | { ok: true; fields: RawField[] }
  | { ok: false; fields: RawField[]; error: string; offset: number; truncated: boolean };

export interface RawDecodeOptions {
  /** Nesting limit for messages and groups; protoc's default recursion limit is 100. */
  maxDepth?: number;
  /** Bytes that nested-message guesses may scan in total, as a multiple of the input length. */
  workFactor?: number;
  /** Bytes fields longer than this keep only their first bytesHead bytes (--payload head); default all. */
  bytesHead?: number;
}

/** Why a parse stopped (codes, not text: a failed nested-message guess throws its error away). */
const ERR_TRUNCATED_TAG = 0;
const ERR_TAG_TOO_LONG = 1;
const ERR_TAG_RANGE = 2;
const ERR_FIELD_ZERO = 3;
const ERR_WIRE_TYPE = 4;
const ERR_UNEXPECTED_END_GROUP = 5;
const ERR_GROUP_NOT_ENDED = 6;
const ERR_TRUNCATED_VARINT = 7;
const ERR_VARINT_TOO_LONG = 8;
const ERR_TRUNCATED_I64 = 9;
const ERR_TRUNCATED_I32 = 10;
const ERR_BAD_LENGTH = 11;
const ERR_LENGTH_BEYOND_END = 12;
const ERR_TOO_DEEP = 13;

/** readVarintAt's failures (its successes are positions, >= 0). */
const VARINT_TRUNCATED = -1;
const VARINT_TOO_LONG = -2;

export interface Ctx {
  buf: Buffer;
  maxDepth: number;
  budget: number;
  bytesHead: number;
  /** The value of the last varint read (readVarintAt). */
  value: number | string;
  /** After parseFields: where it stopped (end of the run on success, the failing item on failure). */
  pos: number;
  err: number;
  /** Field number or wire type the error names. */
  errArg: number;
  truncated: boolean;
  /** Set by scanFields when it passed a non-empty LEN field (whose nested guess would spend budget). */
  lenSeen: boolean;
}

// Wire types are the tag's low 3 bits: 0 VARINT, 1 I64, 2 LEN, 3 SGROUP, 4 EGROUP, 5 I32; 6 and 7 do not exist.
const WIRE_EGROUP = 4;

export function decodeRaw(bytes: Uint8Array, options: RawDecodeOptions = {}): RawDecodeResult {
  const ctx = rawCtx(bytes, options);
  const fields: RawField[] = [];
  if (parseFields(ctx, 0, bytes.length, 0, 0, fields)) return { ok: true, fields };
  return {
    ok: false,
    fields,
    error: errorText(ctx.err, ctx.errArg),
    offset: ctx.pos,
    truncated: ctx.truncated,
  };
}

/** True when decodeRaw(bytes).ok: the same checks (scanFields), nothing built. */
export function parsesAsProtobuf(bytes: Uint8Array): boolean {
  return scanFields(rawCtx(bytes, {}), 0, bytes.length, 0, 0);
}

/** A decode's state at its start (decodeRaw's, and src/output/raw-json.ts's, which must spend the same). */
export function rawCtx(bytes: Uint8Array, options: RawDecodeOptions): Ctx {
  return {
    buf: Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    maxDepth: options.maxDepth ?? 100,
    budget: (options.workFactor ?? 32) * bytes.length + 4096,
    bytesHead: options.bytesHead ?? Infinity,
    value: 0,
    pos: 0,
    err: ERR_TRUNCATED_TAG,
    errArg: 0,
    truncated: false,
    lenSeen: false,
  };
}

function errorText(err: number, arg: number): string {
  switch (err) {
    case ERR_TRUNCATED_TAG:
      return 'truncated tag';
    case ERR_TAG_TOO_LONG:
      return 'tag varint too long';
    case ERR_TAG_RANGE:
      return 'tag out of range';
    case ERR_FIELD_ZERO:
      return 'field number 0';
    case ERR_WIRE_TYPE:
      return `invalid wire type ${arg}`;
    case ERR_UNEXPECTED_END_GROUP:
      return `unexpected end-group for field ${arg}`;
    case ERR_GROUP_NOT_ENDED:
      return `group ${arg} not ended`;
    case ERR_TRUNCATED_VARINT:
      return 'truncated varint';
    case ERR_VARINT_TOO_LONG:
      return 'varint too long';
    case ERR_TRUNCATED_I64:
      return 'truncated i64';
    case ERR_TRUNCATED_I32:
      return 'truncated i32';
    case ERR_BAD_LENGTH:
      return 'bad length';
    case ERR_LENGTH_BEYOND_END:
      return 'length beyond the end';
    default: // ERR_TOO_DEEP
      return 'nesting too deep';
  }
}

function fail(ctx: Ctx, err: number, pos: number, truncated: boolean, arg = 0): false {
  ctx.err = err;
  ctx.pos = pos;
  ctx.truncated = truncated;
  ctx.errArg = arg;
  return false;
}

/**
 * Parses fields in [pos, end) into `fields`. `group` is the field number of an open SGROUP (0: none; field
 * 0 is never valid), whose EGROUP ends the run. True when the run parsed fully; ctx.pos is then where it
 * ended, else where it failed (with ctx.err).
 */
function parseFields(
  ctx: Ctx,
  pos: number,
  end: number,
  depth: number,
  group: number,
  fields: RawField[],
): boolean {
  const buf = ctx.buf;
  while (pos < end) {
    const start = pos;
    // A one-byte tag (fields 1..15) is by far the most common: read it without the general varint reader.
    let tag = buf[pos]!;
    if (tag < 0x80) pos++;
    else {
      pos = readVarintAt(ctx, buf, pos, end);
      if (pos < 0) {
        const truncated = pos === VARINT_TRUNCATED;
        return fail(ctx, truncated ? ERR_TRUNCATED_TAG : ERR_TAG_TOO_LONG, start, truncated);
      }
      if (typeof ctx.value !== 'number' || ctx.value > 0xffffffff)
        return fail(ctx, ERR_TAG_RANGE, start, false);
      tag = ctx.value;
    }
    const field = Math.floor(tag / 8);
    const wireType = tag & 7;
    if (field === 0) return fail(ctx, ERR_FIELD_ZERO, start, false);
    if (wireType > 5) return fail(ctx, ERR_WIRE_TYPE, start, false, wireType);
    if (wireType === WIRE_EGROUP) {
      if (group === field) {
        ctx.pos = pos;
        return true;
      }
      return fail(ctx, ERR_UNEXPECTED_END_GROUP, start, false, field);
    }
    const next = parseValue(ctx, field, wireType, pos, end, depth, fields);
    if (next < 0) return false;
    pos = next;
  }
  if (group !== 0) return fail(ctx, ERR_GROUP_NOT_ENDED, pos, true, group);
  ctx.pos = pos;
  return true;
}

/** Parses the value of one field starting at `pos` and appends it; the position after it, or -1 (ctx.err). */
function parseValue(
  ctx: Ctx,
  field: number,
  wireType: number,
  pos: number,
  end: number,
  depth: number,
  fields: RawField[],
): number {
  switch (wireType) {
    case 0: {
      const next = readVarintAt(ctx, ctx.buf, pos, end);
      if (next < 0) {
        const truncated = next === VARINT_TRUNCATED;
        fail(ctx, truncated ? ERR_TRUNCATED_VARINT : ERR_VARINT_TOO_LONG, pos, truncated);
        return -1;
      }
      fields.push({ field, wire: 'varint', value: ctx.value });
      return next;
    }
    case 1:
    case 5: {
      const size = wireType === 1 ? 8 : 4;
      if (pos + size > end) {
        fail(ctx, size === 8 ? ERR_TRUNCATED_I64 : ERR_TRUNCATED_I32, pos, true);
        return -1;
      }
      if (size === 8) fields.push({ field, wire: 'i64', value: fixed64(ctx.buf, pos) });
      else fields.push({ field, wire: 'i32', value: fixed32(ctx.buf, pos) });
      return pos + size;
    }
    case 2: {
      const at = readVarintAt(ctx, ctx.buf, pos, end);
      if (at < 0) {
        fail(ctx, ERR_BAD_LENGTH, pos, at === VARINT_TRUNCATED);
        return -1;
      }
      const n = ctx.value;
      if (typeof n !== 'number' || at + n > end) {
        fail(ctx, ERR_LENGTH_BEYOND_END, pos, true);
        return -1;
      }
      pushField(fields, { field, wire: 'len', value: classifyLen(ctx, at, at + n, depth) });
      return at + n;
    }
    default: {
      // 3: SGROUP (4, EGROUP, is handled by parseFields)
      if (depth + 1 > ctx.maxDepth) {
        fail(ctx, ERR_TOO_DEEP, pos, false);
        return -1;
      }
      const inner: RawField[] = [];
      if (!parseFields(ctx, pos, end, depth + 1, field, inner)) return -1;
      pushField(fields, { field, wire: 'sgroup', value: inner });
      return ctx.pos;
    }
  }
}

/** Appends a LEN or group field, marking the way to lazy hex bytes inside it (src/grpc/raw-bytes.ts). */
function pushField(fields: RawField[], f: RawField): void {
  if (holdsLazyHex(f.value)) {
    markHoldsLazyHex(f);
    markHoldsLazyHex(fields);
  }
  fields.push(f);
}

/**
 * parseFields without values: true when [pos, end) parses fully (ctx.pos: where the run ended). Reads
 * nothing into objects, spends no budget, never recurses into LEN fields (their content never decides
 * whether the run parses), only into groups. Keep its checks the same as parseFields' and parseValue's.
 */
export function scanFields(ctx: Ctx, pos: number, end: number, depth: number, group: number): boolean {
  return walkFields(ctx, pos, end, depth, group, false);
}

/**
 * What parseFields would spend of the budget on a run that does not parse (scanFields said so), without
 * building anything: the text of such a run's nested strings, its field objects and their failed guesses
 * were built and thrown away (on the unary bench shape, text read as protobuf, half of the messages).
 * The same walk as scanFields up to the same failure, and each LEN field spends as classifyLen would. True
 * when the run (a group's, for the recursion) ended where parseFields would have ended it.
 */
export function spendFields(ctx: Ctx, pos: number, end: number, depth: number, group: number): boolean {
  return walkFields(ctx, pos, end, depth, group, true);
}

/** scanFields, and with `spend` spendFields: one walk, so that their checks cannot drift apart. */
function walkFields(
  ctx: Ctx,
  pos: number,
  end: number,
  depth: number,
  group: number,
  spend: boolean,
): boolean {
  const buf = ctx.buf;
  while (pos < end) {
    let tag = buf[pos]!;
    if (tag < 0x80) pos++;
    else {
      pos = readVarintAt(ctx, buf, pos, end);
      if (pos < 0 || typeof ctx.value !== 'number' || ctx.value > 0xffffffff) return false;
      tag = ctx.value;
    }
    const field = Math.floor(tag / 8);
    const wireType = tag & 7;
    if (field === 0 || wireType > 5) return false;
    switch (wireType) {
      case 0:
        pos = skipVarint(buf, pos, end);
        if (pos < 0) return false;
        break;
      case 1:
      case 5:
        pos += wireType === 1 ? 8 : 4;
        if (pos > end) return false;
        break;
      case 2: {
        const at = readVarintAt(ctx, buf, pos, end);
        if (at < 0) return false;
        const n = ctx.value;
        if (typeof n !== 'number' || at + n > end) return false;
        if (spend) spendLen(ctx, at, at + n, depth);
        else if (n > 0) ctx.lenSeen = true;
        pos = at + n;
        break;
      }
      case 3:
        if (depth + 1 > ctx.maxDepth || !walkFields(ctx, pos, end, depth + 1, field, spend)) return false;
        pos = ctx.pos;
        break;
      default: // 4: EGROUP
        if (group !== field) return false;
        ctx.pos = pos;
        return true;
    }
  }
  ctx.pos = pos;
  return group === 0;
}

/** The position after the varint at buf[pos..end), or < 0 when it is truncated or too long. */
export function skipVarint(buf: Buffer, pos: number, end: number): number {
  const last = Math.min(end, pos + MAX_VARINT_BYTES);
  for (let at = pos; at < last; at++) if (buf[at]! < 0x80) return at + 1;
  return -1;
}

/** classifyLen's spending of the budget on [start, end), nothing built (see spendFields). */
function spendLen(ctx: Ctx, start: number, end: number, depth: number): void {
  const len = end - start;
  if (len === 0 || depth + 1 > ctx.maxDepth || ctx.budget < len) return;
  ctx.budget -= len;
  ctx.lenSeen = false;
  if (scanFields(ctx, start, end, depth + 1, 0) || ctx.lenSeen) spendFields(ctx, start, end, depth + 1, 0);
}

/** protoc's order: a nested message if the bytes parse fully, else a string, else bytes. */
function classifyLen(ctx: Ctx, start: number, end: number, depth: number): RawLen {
  const len = end - start;
  if (len > 0 && depth + 1 <= ctx.maxDepth && ctx.budget >= len) {
    ctx.budget -= len;
    // Most guesses fail (strings, bytes) within a few bytes: scanFields finds that without building
    // anything. Only when it passed a LEN field before failing must the real parse run anyway, since
    // that field's own nested guess spends budget, which decides later guesses.
    ctx.lenSeen = false;
    if (scanFields(ctx, start, end, depth + 1, 0)) {
      const nested: RawField[] = [];
      if (parseFields(ctx, start, end, depth + 1, 0, nested)) {
        const message: RawLen = { kind: 'message', fields: nested };
        return holdsLazyHex(nested) ? markHoldsLazyHex(message) : message;
      }
    } else if (ctx.lenSeen) spendFields(ctx, start, end, depth + 1, 0);
  }
  const text = printableUtf8(ctx.buf, start, end);
  if (text !== null) return { kind: 'string', text };
  if (end - start > ctx.bytesHead) {
    const head = ctx.buf.toString('hex', start, start + ctx.bytesHead);
    return { kind: 'bytes', hex: head, length: end - start, truncated: true };
  }
  // Long fields (payloads) keep their bytes; the writers put the hex straight into their output.
  const out: Extract<RawLen, { kind: 'bytes' }> =
    end - start >= LAZY_HEX_MIN_BYTES
      ? new LazyHexBytes(ownBytes(ctx.buf.subarray(start, end)))
      : { kind: 'bytes', hex: ctx.buf.toString('hex', start, end) };
  const packed = packedVarints(ctx, start, end);
  if (packed !== null) out.packedVarints = packed;
  return out;
}

/**
 * The field's bytes to keep in a record: the view itself when it is most of its memory, else a copy of its
 * own, so that a record kept until its connection ends (text report, TUI) does not hold a shared 8 KiB
 * pool slab or a larger message alive for a few hundred bytes.
 */
export function ownBytes(view: Buffer): Uint8Array {
  return view.buffer.byteLength > 2 * view.length ? new Uint8Array(view) : view;
}

/** Bytes checked one at a time before the rest is decoded and checked natively (see printableUtf8). */
const PRINTABLE_PREFIX = 32;
/** The first character that is not printable ASCII (tab, LF and CR count as printable). */
const NOT_PRINTABLE_ASCII = /[^\t\n\r\x20-\x7e]/;

/**
 * The bytes as text when they are valid UTF-8 without control characters, else null. Binary data nearly
 * always shows itself in the first bytes (the bench's 1.2 MB field starts with 00): those are checked one
 * at a time, so a binary field is rejected without decoding it. A longer field that starts as text is
 * decoded as latin1 (a copy) and searched by one native regex for a character that is not printable
 * ASCII, instead of a JS loop over every byte (issue 13). Only a non-ASCII byte sends it to the UTF-8 path.
 */
function printableUtf8(buf: Buffer, start: number, end: number): string | null {
  const prefixEnd = Math.min(end, start + PRINTABLE_PREFIX);
  for (let i = start; i < prefixEnd; i++) {
    const b = buf[i]!;
    if (b >= 0x80) return printableUtf8Slow(buf, start, end);
    if (isControl(b)) return null; // in UTF-8 a byte below 0x80 is always that character
  }
  const text = buf.toString('latin1', start, end);
  if (prefixEnd === end) return text;
  const at = text.search(NOT_PRINTABLE_ASCII);
  if (at < 0) return text;
  // A control character anywhere makes it not text; a non-ASCII byte needs the UTF-8 check.
  return text.charCodeAt(at) >= 0x80 ? printableUtf8Slow(buf, start, end) : null;
}

function printableUtf8Slow(buf: Buffer, start: number, end: number): string | null {
  // isUtf8 instead of a fatal TextDecoder: its exception costs ~20 µs per non-text field.
  if (!isUtf8(buf.subarray(start, end))) return null;
  const text = buf.toString('utf8', start, end);
  for (let i = 0; i < text.length; i++) if (isControl(text.charCodeAt(i))) return null;
  return text;
}

/** C0 controls except \t \n \r, DEL, and C1 controls: not "printable". */
function isControl(c: number): boolean {
  if (c < 0x20) return c !== 0x09 && c !== 0x0a && c !== 0x0d;
  return c >= 0x7f && c <= 0x9f;
}

/**
 * The bytes read as a list of varints, or null when they are not one. Counted first without building
 * anything: most binary payloads fail (a last byte with its high bit set, an overlong run), and building
 * the list before finding that out made it 14 % of a profile on large messages (issue 13).
 */
function packedVarints(ctx: Ctx, start: number, end: number): Array<number | string> | null {
  if (start === end) return null;
  const buf = ctx.buf;
  let count = 0;
  for (let pos = start; pos < end; count++) {
    pos = skipVarint(buf, pos, end);
    if (pos < 0) return null;
  }
  const out = new Array<number | string>(count);
  let pos = start;
  for (let i = 0; i < count; i++) {
    pos = readVarintAt(ctx, buf, pos, end);
    out[i] = ctx.value;
  }
  return out;
}

/**
 * Base 128 varint at buf[pos..end) (protobuf-varint.ts readVarint, without its result object): the position
 * after it with the value in ctx.value, or VARINT_TRUNCATED / VARINT_TOO_LONG.
 */
export function readVarintAt(ctx: Ctx, buf: Buffer, pos: number, end: number): number {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < MAX_VARINT_BYTES; i++) {
    const at = pos + i;
    if (at >= end) return VARINT_TRUNCATED;
    const b = buf[at]!;
    value += (b & 0x7f) * scale;
    if (b < 0x80) {
      // Past 7 bytes (49 bits) the sum may have lost precision: redo it exactly.
      ctx.value = i < 7 || Number.isSafeInteger(value) ? value : exactVarint(buf, pos, at + 1);
      return at + 1;
    }
    scale *= 128;
  }
  return VARINT_TOO_LONG;
}

const BYTE_HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/** "0x" and the bytes buf[pos..pos+size) as hex, last byte first (the wire is little-endian). */
function hexLE(buf: Buffer, pos: number, size: number): string {
  let s = '0x';
  for (let i = pos + size - 1; i >= pos; i--) s += BYTE_HEX[buf[i]!]!;
  return s;
}

function fixed64(buf: Buffer, pos: number): RawFixed {
  const f = buf.readDoubleLE(pos);
  return { hex: hexLE(buf, pos, 8), float: Number.isFinite(f) ? f : String(f) };
}

function fixed32(buf: Buffer, pos: number): RawFixed {
  const f = buf.readFloatLE(pos);
  return { hex: hexLE(buf, pos, 4), float: Number.isFinite(f) ? f : String(f) };
}
