/**
 * A record's JSON written straight into an output buffer (ByteOut): the same bytes as jsonText(value)
 * encoded as UTF-8 (JSON.stringify, then DEL and the C1 controls as \u00XX, json-text.ts), without the
 * JSON string in between. The ndjson report's lines went through JSON.stringify, a UTF-8 encode of its
 * text and a search of the bytes for DEL and C1 (json-line.ts); call lines were also searched for the
 * placeholders of their schema-less messages. Here the schema-less messages (LazyRawMessage) and long
 * bytes fields (LazyHexBytes) are written from their bytes where they sit (raw-json.ts, hexInto), and
 * the rest a character at a time: record strings are short and mostly ASCII.
 *
 * JSON.stringify's rules kept here: own enumerable string keys in their order; a value that is
 * undefined, a function or a symbol leaves its key out (and is null in a list); toJSON() is called;
 * numbers that are not finite are null; strings escape `"` `\`, \b \f \n \r \t, other C0 controls and
 * lone surrogates as \u00XX (lowercase hex). Anything else (a BigInt, a boxed value, a cycle) is left to
 * JSON.stringify itself, so it behaves (or throws) exactly as before.
 */
import { LazyHexBytes } from '../grpc/raw-bytes.js';
import { LazyRawMessage } from '../grpc/raw-message.js';
import { hexInto } from './json-value.js';
import { writeRawMessage, type ByteOut } from './raw-json.js';
import { escapeC1 } from './json-text.js';
import { NUMBER_ROOM, writeNumber } from './json-number.js';

/** Most bytes one UTF-16 unit takes in the output: `\u00XX` (6) for a control or a lone surrogate. */
const MAX_BYTES_PER_UNIT = 6;
/** Strings at least this long are written by Buffer.write when they are plain (see string()). */
const NATIVE_STRING = 64;

const HEX = Buffer.from('0123456789abcdef', 'latin1');
const NULL = Buffer.from('null', 'latin1');
const TRUE = Buffer.from('true', 'latin1');
const FALSE = Buffer.from('false', 'latin1');

/** Writes jsonText(value) as UTF-8 into `o` (`null` for a value JSON.stringify gives no text). */
export function writeJsonBytes(o: ByteOut, value: unknown): void {
  if (!write(o, value)) put(o, NULL);
}

/** Writes `v`; false, with nothing written, when JSON.stringify would give it no text (undefined, ...). */
function write(o: ByteOut, v: unknown): boolean {
  switch (typeof v) {
    case 'string':
      string(o, v);
      return true;
    case 'number':
      number(o, v);
      return true;
    case 'boolean':
      put(o, v ? TRUE : FALSE);
      return true;
    case 'object':
      if (v === null) put(o, NULL);
      else if (Array.isArray(v)) list(o, v);
      else object(o, v);
      return true;
    case 'bigint':
      // JSON.stringify throws on it: so does this, with its message.
      JSON.stringify(v);
      return false;
    default:
      return false; // undefined, function, symbol
  }
}

function list(o: ByteOut, v: unknown[]): void {
  need(o, 1);
  o.buf[o.pos++] = 0x5b; // [
  for (let i = 0; i < v.length; i++) {
    if (i > 0) {
      need(o, 1);
      o.buf[o.pos++] = 0x2c; // ,
    }
    if (!write(o, v[i])) put(o, NULL);
  }
  need(o, 1);
  o.buf[o.pos++] = 0x5d; // ]
}

function object(o: ByteOut, v: object): void {
  // A LazyHexBytes is written as JSON.stringify writes it (its own keys in order), `hex` from its bytes.
  let lazy: LazyHexBytes | null = null;
  if (Object.getPrototypeOf(v) !== Object.prototype) {
    if (v instanceof LazyRawMessage) {
      const bytes = v.bytes;
      if (bytes !== null) return writeRawMessage(bytes, o, v.bytesHead);
    } else if (v instanceof LazyHexBytes) lazy = v;
    // A Date, a Map, a boxed value, a class with toJSON: JSON.stringify knows their rules.
    else if (!plainEnough(v)) return text(o, JSON.stringify(v) ?? 'null');
  } else if (typeof (v as { toJSON?: unknown }).toJSON === 'function')
    return text(o, JSON.stringify(v) ?? 'null');
  const rec = v as Record<string, unknown>;
  need(o, 1);
  o.buf[o.pos++] = 0x7b; // {
  let first = true;
  for (const key in rec) {
    if (!Object.prototype.hasOwnProperty.call(rec, key)) continue;
    const lazyHex = lazy !== null && key === 'hex' ? lazy.bytes : null;
    const item = lazyHex ?? rec[key];
    const t = typeof item;
    if (t === 'undefined' || t === 'function' || t === 'symbol') continue;
    const k = keyBytes(key);
    need(o, k.length + 1);
    const buf = o.buf;
    let at = o.pos;
    if (!first) buf[at++] = 0x2c; // ,
    first = false;
    for (let i = 0; i < k.length; i++) buf[at++] = k[i]!;
    o.pos = at;
    if (lazyHex !== null) hex(o, lazyHex);
    else write(o, item);
  }
  need(o, 1);
  o.buf[o.pos++] = 0x7d; // }
}

/**
 * `"key":` as bytes, for the keys seen so far. Records have a few dozen distinct keys, each written
 * millions of times: a lookup and a copy cost less than escaping the key's characters again.
 */
const keys = new Map<string, Uint8Array>();
/** More distinct keys than records have (maps keyed by header names, settings): not cached past this. */
const MAX_KEYS = 4096;

function keyBytes(key: string): Uint8Array {
  let k = keys.get(key);
  if (k === undefined) {
    const o: ByteOut = {
      buf: Buffer.allocUnsafe(key.length * MAX_BYTES_PER_UNIT + 3),
      pos: 0,
      room: () => {},
    };
    string(o, key);
    o.buf[o.pos++] = 0x3a; // :
    k = o.buf.subarray(0, o.pos);
    if (keys.size < MAX_KEYS) keys.set(key, k);
  }
  return k;
}

/** Null-prototype objects and class instances without toJSON are written as plain objects, as by JSON. */
function plainEnough(v: object): boolean {
  const proto: unknown = Object.getPrototypeOf(v);
  if (proto === null) return true;
  return (
    typeof (v as { toJSON?: unknown }).toJSON !== 'function' &&
    !(v instanceof Date) &&
    !(v instanceof Number) &&
    !(v instanceof String) &&
    !(v instanceof Boolean) &&
    !ArrayBuffer.isView(v) &&
    !(v instanceof Map) &&
    !(v instanceof Set)
  );
}

/** `"..."`, the bytes as hex digits between the quotes. */
function hex(o: ByteOut, bytes: Uint8Array): void {
  need(o, 2 * bytes.length + 2);
  o.buf[o.pos++] = 0x22; // "
  o.pos = hexInto(bytes, o.buf, o.pos);
  o.buf[o.pos++] = 0x22;
}

/** o.room(n), called only when the buffer lacks the room (most writes have it). */
function need(o: ByteOut, n: number): void {
  if (n > o.buf.length - o.pos) o.room(n);
}

function put(o: ByteOut, b: Buffer): void {
  need(o, b.length);
  o.buf.set(b, o.pos);
  o.pos += b.length;
}

/** JSON text already escaped (JSON.stringify's), with DEL and C1 escaped too. */
function text(o: ByteOut, s: string): void {
  const escaped = escapeC1(s);
  need(o, escaped.length * 3);
  o.pos += o.buf.write(escaped, o.pos);
}

function number(o: ByteOut, n: number): void {
  if (!Number.isFinite(n)) return put(o, NULL);
  need(o, NUMBER_ROOM);
  o.pos = writeNumber(o.buf, o.pos, n);
}

/**
 * A JSON string: `"`, the characters (escaped as JSON.stringify and escapeC1 do), `"`, in UTF-8. Plain
 * ASCII is copied by the loop; a long plain string is left to Buffer.write (native), the rest goes
 * character by character.
 */
function string(o: ByteOut, s: string): void {
  const n = s.length;
  need(o, n * MAX_BYTES_PER_UNIT + 2);
  const buf = o.buf;
  let at = o.pos;
  buf[at++] = 0x22; // "
  let i = 0;
  if (n >= NATIVE_STRING) {
    // Written as UTF-8 first, checked afterwards: its bytes up to the first one that is not plain ASCII
    // are the characters' own (any other character gives bytes of 0x80 or more).
    const end = at + buf.write(s, at);
    let k = at;
    for (; k < end; k++) {
      const b = buf[k]!;
      if (b < 0x20 || b >= 0x7f || b === 0x22 || b === 0x5c) break;
    }
    i = k - at;
    at = k;
  }
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f) {
      if (c === 0x22 || c === 0x5c) buf[at++] = 0x5c;
      buf[at++] = c;
    } else if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
      at = control(buf, at, c);
    } else if (c < 0x800) {
      buf[at++] = 0xc0 | (c >> 6);
      buf[at++] = 0x80 | (c & 63);
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const next = i + 1 < n ? s.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        const cp = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        buf[at++] = 0xf0 | (cp >> 18);
        buf[at++] = 0x80 | ((cp >> 12) & 63);
        buf[at++] = 0x80 | ((cp >> 6) & 63);
        buf[at++] = 0x80 | (cp & 63);
        i++;
      } else at = unicodeEscape(buf, at, c); // a lone surrogate: JSON.stringify writes \udXXX
    } else {
      buf[at++] = 0xe0 | (c >> 12);
      buf[at++] = 0x80 | ((c >> 6) & 63);
      buf[at++] = 0x80 | (c & 63);
    }
  }
  buf[at++] = 0x22;
  o.pos = at;
}

/** A C0 control (JSON.stringify's escapes), DEL or a C1 control (escapeC1's \u00XX). */
function control(buf: Buffer, at: number, c: number): number {
  let short = 0;
  if (c === 0x08)
    short = 0x62; // \b
  else if (c === 0x09)
    short = 0x74; // \t
  else if (c === 0x0a)
    short = 0x6e; // \n
  else if (c === 0x0c)
    short = 0x66; // \f
  else if (c === 0x0d) short = 0x72; // \r
  if (short === 0) return unicodeEscape(buf, at, c);
  buf[at++] = 0x5c;
  buf[at++] = short;
  return at;
}

function unicodeEscape(buf: Buffer, at: number, c: number): number {
  buf[at++] = 0x5c; // \
  buf[at++] = 0x75; // u
  buf[at++] = HEX[(c >> 12) & 15]!;
  buf[at++] = HEX[(c >> 8) & 15]!;
  buf[at++] = HEX[(c >> 4) & 15]!;
  buf[at++] = HEX[c & 15]!;
  return at;
}
