/**
 * Renders decodeRaw() fields in the text format `protoc --decode_raw` prints (protobuf's TextFormat
 * printer for unknown fields): `N: value` per field, two-space indent, nested messages and groups as
 * `N { ... }`, fixed32/fixed64 as zero-padded hex, strings and bytes C-escaped (absl::CEscape).
 */
import type { RawField, RawLen } from './protobuf-raw.js';
import { LazyHexBytes } from './raw-bytes.js';

export function renderDecodeRaw(fields: readonly RawField[], indent = ''): string {
  let out = '';
  for (const f of fields) out += renderField(f, indent);
  return out;
}

function renderField(f: RawField, indent: string): string {
  switch (f.wire) {
    case 'varint':
      return `${indent}${f.field}: ${f.value}\n`;
    case 'i32':
    case 'i64':
      return `${indent}${f.field}: ${f.value.hex}\n`;
    case 'sgroup':
      return block(f.field, f.value, indent);
    case 'len':
      return f.value.kind === 'message'
        ? block(f.field, f.value.fields, indent)
        : `${indent}${f.field}: "${cEscape(lenBytes(f.value))}"\n`;
  }
}

function block(field: number, fields: readonly RawField[], indent: string): string {
  return `${indent}${field} {\n${renderDecodeRaw(fields, indent + '  ')}${indent}}\n`;
}

/** The bytes behind a string or bytes value (message values are rendered as blocks instead). */
export function lenBytes(v: RawLen): Buffer {
  if (v.kind === 'string') return Buffer.from(v.text, 'utf8');
  if (v instanceof LazyHexBytes) return Buffer.from(v.bytes.buffer, v.bytes.byteOffset, v.bytes.byteLength);
  if (v.kind === 'bytes') return Buffer.from(v.hex, 'hex');
  return Buffer.alloc(0);
}

const ESCAPES: Record<number, string> = {
  0x0a: '\\n',
  0x0d: '\\r',
  0x09: '\\t',
  0x22: '\\"',
  0x27: "\\'",
  0x5c: '\\\\',
};

/** absl::CEscape: named escapes, other bytes outside 0x20..0x7e as three octal digits. */
export function cEscape(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) {
    const named = ESCAPES[b];
    if (named !== undefined) s += named;
    else if (b < 0x20 || b >= 0x7f) s += '\\' + b.toString(8).padStart(3, '0');
    else s += String.fromCharCode(b);
  }
  return s;
}
