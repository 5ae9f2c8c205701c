/**
 * Schema-less protobuf decoding, like `protoc --decode_raw` (protobuf encoding spec, "Message Structure":
 * tag = (field_number << 3) | wire_type; wire types 0 VARINT, 1 I64, 2 LEN, 3 SGROUP, 4 EGROUP, 5 I32).
 * Robust against any bytes: never throws, bounded depth and work; a LEN field is a nested message only
 * when its bytes parse fully (protoc's rule), otherwise a printable UTF-8 string, otherwise bytes.
 */
import { isUtf8 } from 'node:buffer';
import { readVarint } from './protobuf-varint.js';

export type RawWire = 'varint' | 'i64' | 'len' | 'i32' | 'sgroup';

export type RawField =
  | { field: number; wire: 'varint'; value: number | string }
  | { field: number; wire: 'i64'; value: RawFixed }
  | { field: number; wire: 'i32'; value: RawFixed }
  | { field: number; wire: 'len'; value: RawLen }
  | { field: number; wire: 'sgroup'; value: RawField[] };

export interface RawFixed {
  /** Little-endian value as 0x-prefixed hex, zero-padded (what protoc prints). */
  hex: string;
  /** The same bits as a double (i64) or float (i32); NaN and infinities as strings so JSON keeps them. */
  float: number | string;
}

export type RawLen =
  | { kind: 'message'; fields: RawField[] }
  | { kind: 'string'; text: string }
  /** packedVarints: the bytes read fully as a list of varints (a packed repeated field, perhaps). */
  | { kind: 'bytes'; hex: string; packedVarints?: Array<number | string> };

export type RawDecodeResult =
  | { ok: true; fields: RawField[] }
  | { ok: false; fields: RawField[]; error: string; offset: number; truncated: boolean };

export interface RawDecodeOptions {
  /** Nesting limit for messages and groups; protoc's default recursion limit is 100. */
  maxDepth?: number;
  /** Bytes that nested-message guesses may scan in total, as a multiple of the input length. */
  workFactor?: number;
}

interface Ctx {
  buf: Uint8Array;
  maxDepth: number;
  budget: number;
}

type Parsed =
  | { ok: true; fields: RawField[]; pos: number }
  | { ok: false; error: string; pos: number; truncated: boolean; fields: RawField[] };

const WIRE_TYPES = ['varint', 'i64', 'len', 'sgroup', 'egroup', 'i32'] as const;

export function decodeRaw(bytes: Uint8Array, options: RawDecodeOptions = {}): RawDecodeResult {
  const ctx: Ctx = {
    buf: bytes,
    maxDepth: options.maxDepth ?? 100,
    budget: (options.workFactor ?? 32) * bytes.length + 4096,
  };
  const r = parseFields(ctx, 0, bytes.length, 0, null);
  if (r.ok) return { ok: true, fields: r.fields };
  return { ok: false, fields: r.fields, error: r.error, offset: r.pos, truncated: r.truncated };
}

/** Parses fields in [pos, end). `group` is the field number of an open SGROUP, whose EGROUP ends the run. */
function parseFields(ctx: Ctx, pos: number, end: number, depth: number, group: number | null): Parsed {
  const fields: RawField[] = [];
  while (pos < end) {
    const tag = readVarint(ctx.buf, pos, end);
    if (!tag.ok)
      return fail(tag.truncated ? 'truncated tag' : 'tag varint too long', pos, tag.truncated, fields);
    if (typeof tag.value !== 'number' || tag.value > 0xffffffff)
      return fail('tag out of range', pos, false, fields);
    const field = Math.floor(tag.value / 8);
    const wire = WIRE_TYPES[tag.value & 7];
    if (field === 0) return fail('field number 0', pos, false, fields);
    if (wire === undefined) return fail(`invalid wire type ${tag.value & 7}`, pos, false, fields);
    if (wire === 'egroup') {
      if (group === field) return { ok: true, fields, pos: tag.pos };
      return fail(`unexpected end-group for field ${field}`, pos, false, fields);
    }
    const v = parseValue(ctx, field, wire, tag.pos, end, depth);
    if (!v.ok) return { ...v, fields };
    fields.push(v.field);
    pos = v.pos;
  }
  if (group !== null) return fail(`group ${group} not ended`, pos, true, fields);
  return { ok: true, fields, pos };
}

type ValueResult =
  { ok: true; field: RawField; pos: number } | { ok: false; error: string; pos: number; truncated: boolean };

function parseValue(
  ctx: Ctx,
  field: number,
  wire: RawWire,
  pos: number,
  end: number,
  depth: number,
): ValueResult {
  switch (wire) {
    case 'varint': {
      const v = readVarint(ctx.buf, pos, end);
      if (!v.ok)
        return {
          ok: false,
          error: v.truncated ? 'truncated varint' : 'varint too long',
          pos,
          truncated: v.truncated,
        };
      return { ok: true, field: { field, wire, value: v.value }, pos: v.pos };
    }
    case 'i64':
    case 'i32': {
      const size = wire === 'i64' ? 8 : 4;
      if (pos + size > end) return { ok: false, error: `truncated ${wire}`, pos, truncated: true };
      return { ok: true, field: { field, wire, value: fixed(ctx.buf, pos, size) }, pos: pos + size };
    }
    case 'len': {
      const n = readVarint(ctx.buf, pos, end);
      if (!n.ok) return { ok: false, error: 'bad length', pos, truncated: n.truncated };
      if (typeof n.value !== 'number' || n.pos + n.value > end) {
        return { ok: false, error: 'length beyond the end', pos, truncated: true };
      }
      const value = classifyLen(ctx, n.pos, n.pos + n.value, depth);
      return { ok: true, field: { field, wire, value }, pos: n.pos + n.value };
    }
    case 'sgroup': {
      if (depth + 1 > ctx.maxDepth) return { ok: false, error: 'nesting too deep', pos, truncated: false };
      const g = parseFields(ctx, pos, end, depth + 1, field);
      if (!g.ok) return g;
      return { ok: true, field: { field, wire, value: g.fields }, pos: g.pos };
    }
  }
}

function fail(error: string, pos: number, truncated: boolean, fields: RawField[]): Parsed {
  return { ok: false, error, pos, truncated, fields };
}

/** protoc's order: a nested message if the bytes parse fully, else a string, else bytes. */
function classifyLen(ctx: Ctx, start: number, end: number, depth: number): RawLen {
  const len = end - start;
  if (len > 0 && depth + 1 <= ctx.maxDepth && ctx.budget >= len) {
    ctx.budget -= len;
    const nested = parseFields(ctx, start, end, depth + 1, null);
    if (nested.ok) return { kind: 'message', fields: nested.fields };
  }
  const bytes = ctx.buf.subarray(start, end);
  const text = printableUtf8(bytes);
  if (text !== null) return { kind: 'string', text };
  const out: RawLen = { kind: 'bytes', hex: Buffer.from(bytes).toString('hex') };
  const packed = packedVarints(bytes);
  if (packed !== null) out.packedVarints = packed;
  return out;
}

function printableUtf8(bytes: Uint8Array): string | null {
  // isUtf8 instead of a fatal TextDecoder: its exception costs ~20 µs per non-text field.
  if (!isUtf8(bytes)) return null;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8');
  for (let i = 0; i < text.length; i++) if (isControl(text.charCodeAt(i))) return null;
  return text;
}

/** C0 controls except \t \n \r, DEL, and C1 controls: not "printable". */
function isControl(c: number): boolean {
  if (c < 0x20) return c !== 0x09 && c !== 0x0a && c !== 0x0d;
  return c >= 0x7f && c <= 0x9f;
}

function packedVarints(bytes: Uint8Array): Array<number | string> | null {
  if (bytes.length === 0) return null;
  const out: Array<number | string> = [];
  let pos = 0;
  while (pos < bytes.length) {
    const v = readVarint(bytes, pos, bytes.length);
    if (!v.ok) return null;
    out.push(v.value);
    pos = v.pos;
  }
  return out;
}

function fixed(buf: Uint8Array, pos: number, size: 4 | 8): RawFixed {
  const b = Buffer.from(buf.buffer, buf.byteOffset + pos, size);
  const hex = Buffer.from(b).reverse().toString('hex');
  const f = size === 8 ? b.readDoubleLE(0) : b.readFloatLE(0);
  return { hex: `0x${hex}`, float: Number.isFinite(f) ? f : String(f) };
}
