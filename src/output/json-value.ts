/**
 * JSON.stringify for records that hold lazy hex bytes (src/grpc/raw-bytes.ts): the same text, but each
 * such field's hex goes from its bytes straight into the writer's output (`hex()`), never through a JS
 * string. Only the way to those fields is walked here; every other part of the record is one native
 * JSON.stringify call, and a record without lazy hex is a single one.
 */
import { jsonText } from './json-text.js';
import { holdsLazyHex, LazyHexBytes } from '../grpc/raw-bytes.js';
import type { CallRecord } from '../records/call.js';

export interface JsonOut {
  /** JSON text, written as it is. */
  text(s: string): void;
  /** The bytes as lowercase hex digits (no quotes). */
  hex(bytes: Uint8Array): void;
}

/**
 * Keys of the record shapes above a protobuf decode (CallRecord, CallMessageRecord, DecodedMessage,
 * RpcStatus, RpcStatusDetail) under which lazy hex may sit; the decode marks its own objects.
 */
const CONTAINER_KEYS = new Set([
  'requests',
  'responses',
  'decoded',
  'fields',
  'statusDetails',
  'details',
  'raw',
]);

/** True when a call record has schema-less fields with lazy hex (then writeJson is worth its walk). */
export function callHoldsLazyHex(rec: CallRecord): boolean {
  for (const m of rec.requests) if (m.decoded.kind === 'raw' && holdsLazyHex(m.decoded.fields)) return true;
  for (const m of rec.responses) if (m.decoded.kind === 'raw' && holdsLazyHex(m.decoded.fields)) return true;
  for (const d of rec.statusDetails?.details ?? [])
    if (d.raw !== undefined && holdsLazyHex(d.raw)) return true;
  return false;
}

/** Writes JSON.stringify(value) to `out`, lazy hex from its bytes. */
export function writeJson(value: unknown, out: JsonOut): void {
  if (!walk(value, true, out)) out.text(jsonText(value) ?? 'null');
}

/**
 * Writes `v` itself when it is (or may lead to) lazy hex and returns true; false leaves it to the caller
 * (one JSON.stringify). `container`: v sits under a CONTAINER_KEYS key or in such a list.
 */
function walk(v: unknown, container: boolean, out: JsonOut): boolean {
  if (typeof v !== 'object' || v === null) return false;
  if (!container && !holdsLazyHex(v)) return false;
  if (Array.isArray(v)) {
    out.text('[');
    for (let i = 0; i < v.length; i++) {
      if (i > 0) out.text(',');
      const item: unknown = v[i];
      // As JSON.stringify: what has no JSON form is null in a list.
      if (!walk(item, container, out)) out.text(jsonText(item) ?? 'null');
    }
    out.text(']');
    return true;
  }
  if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return false;
  const o = v as Record<string, unknown>;
  const lazy = v instanceof LazyHexBytes ? v : null;
  let first = true;
  out.text('{');
  for (const key of Object.keys(o)) {
    if (lazy !== null && key === 'hex') {
      out.text(first ? '"hex":"' : ',"hex":"');
      out.hex(lazy.bytes);
      out.text('"');
      first = false;
      continue;
    }
    const item = o[key];
    if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
    out.text((first ? '' : ',') + jsonText(key) + ':');
    first = false;
    if (!walk(item, CONTAINER_KEYS.has(key), out)) out.text(jsonText(item));
  }
  out.text('}');
  return true;
}

const HEX_DIGITS = Buffer.from('0123456789abcdef', 'latin1');
/** Typed arrays use the machine's byte order; the two-digit stores below are written for little-endian. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** Both hex digits of a byte as one 16-bit store (first digit at the lower address). */
const PAIR = new Uint16Array(256);
/** A byte's low digit, then the next byte's high digit: the pairs when the output starts one off. */
const LOW = new Uint16Array(256);
const HIGH = new Uint16Array(256);
for (let b = 0; b < 256; b++) {
  PAIR[b] = HEX_DIGITS[b >> 4]! | (HEX_DIGITS[b & 15]! << 8);
  LOW[b] = HEX_DIGITS[b & 15]!;
  HIGH[b] = HEX_DIGITS[b >> 4]! << 8;
}

/** Two bytes (read as one little-endian 16-bit word) as their four hex digits, one 32-bit store. */
const QUAD = new Uint32Array(65536);
for (let v = 0; v < 65536; v++) QUAD[v] = PAIR[v & 255]! | (PAIR[v >> 8]! << 16);

/**
 * Writes the bytes as hex digits into `dst` from `at`; the position after them. Four digits per 32-bit
 * store from a 256 KiB table when the output can be aligned to 4 bytes: 0.74 ms per MiB against 2.16 for
 * two digits per 16-bit store and 7 for a byte at a time (docs/performance.md, session 8), as fast as
 * toString('hex') alone, with no string to copy afterwards.
 */
export function hexInto(bytes: Uint8Array, dst: Uint8Array, at: number): number {
  const n = bytes.length;
  if (n === 0) return at;
  if (!LITTLE_ENDIAN || n < 16) return hexBytewise(bytes, dst, at);
  if (n >= 64) {
    if (((dst.byteOffset + at) & 1) === 0) return hexQuads(bytes, dst, at);
    // An odd address: written one byte further, at an even one, then moved back (memmove: a fraction of
    // what 16-bit stores cost), when the byte after the digits is there to use.
    if (dst.length > at + 2 * n) {
      const after = dst[at + 2 * n]!; // the byte after the digits is put back: only [at, at + 2n) is written
      hexQuads(bytes, dst, at + 1);
      dst.copyWithin(at, at + 1, at + 1 + 2 * n);
      dst[at + 2 * n] = after;
      return at + 2 * n;
    }
  }
  return hexPairs(bytes, dst, at);
}

/** hexInto by 32-bit stores; the output starts at an even address (dst.byteOffset + at). */
function hexQuads(bytes: Uint8Array, dst: Uint8Array, at: number): number {
  const n = bytes.length;
  let i = 0;
  // One byte's digits first when that aligns the output to 4 bytes.
  if (((dst.byteOffset + at) & 2) !== 0) {
    dst[at++] = HEX_DIGITS[bytes[0]! >> 4]!;
    dst[at++] = HEX_DIGITS[bytes[0]! & 15]!;
    i = 1;
  }
  const quads = (n - i) >> 1;
  const out = new Uint32Array(dst.buffer, dst.byteOffset + at, quads);
  const from = bytes.byteOffset + i;
  if ((from & 1) === 0) {
    const words = new Uint16Array(bytes.buffer, from, quads);
    for (let k = 0; k < quads; k++) out[k] = QUAD[words[k]!]!;
  } else {
    // The pairs straddle the 16-bit words: each is the high byte of one and the low byte of the next. The
    // last pair is read by bytes (its next word may lie past the end of the ArrayBuffer).
    const words = new Uint16Array(bytes.buffer, from - 1, quads);
    for (let k = 0; k < quads - 1; k++) out[k] = QUAD[(words[k]! >> 8) | ((words[k + 1]! & 255) << 8)]!;
    const last = i + 2 * (quads - 1);
    out[quads - 1] = QUAD[bytes[last]! | (bytes[last + 1]! << 8)]!;
  }
  at += 4 * quads;
  i += 2 * quads;
  if (i < n) {
    dst[at++] = HEX_DIGITS[bytes[i]! >> 4]!;
    dst[at++] = HEX_DIGITS[bytes[i]! & 15]!;
  }
  return at;
}

/** hexInto by 16-bit stores (shorter fields, and outputs at an odd address). */
function hexPairs(bytes: Uint8Array, dst: Uint8Array, at: number): number {
  const n = bytes.length;
  if (((dst.byteOffset + at) & 1) === 0) {
    const pairs = new Uint16Array(dst.buffer, dst.byteOffset + at, n);
    for (let i = 0; i < n; i++) pairs[i] = PAIR[bytes[i]!]!;
    return at + 2 * n;
  }
  // An odd start: the first digit alone, then stores that straddle bytes, then the last digit alone.
  dst[at] = HEX_DIGITS[bytes[0]! >> 4]!;
  const pairs = new Uint16Array(dst.buffer, dst.byteOffset + at + 1, n - 1);
  for (let i = 0; i < n - 1; i++) pairs[i] = LOW[bytes[i]!]! | HIGH[bytes[i + 1]!]!;
  dst[at + 2 * n - 1] = HEX_DIGITS[bytes[n - 1]! & 15]!;
  return at + 2 * n;
}

function hexBytewise(bytes: Uint8Array, dst: Uint8Array, at: number): number {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    dst[at++] = HEX_DIGITS[b >> 4]!;
    dst[at++] = HEX_DIGITS[b & 15]!;
  }
  return at;
}
