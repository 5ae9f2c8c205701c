/**
 * Scalar values in the proto3 JSON mapping (protobuf.dev/programming-guides/json, table "JSON Mapping"):
 * int32/uint32 (and sint, fixed) as numbers; int64/uint64/sint64/fixed64/sfixed64 as decimal strings
 * ("JSON value will be a decimal string"); float/double as numbers, or "NaN", "Infinity", "-Infinity";
 * bytes as standard base64 with padding; bool and string as themselves.
 */
import type { JsonValue } from './proto-json.js';

const LONG_TYPES = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);

export function scalarToJson(type: string, value: unknown): JsonValue {
  if (LONG_TYPES.has(type)) return longToString(value);
  switch (type) {
    case 'double':
      return floatToJson(Number(value), false);
    case 'float':
      return floatToJson(Number(value), true);
    case 'bytes':
      return bytesToBase64(value);
    case 'bool':
      return value === true;
    case 'string':
      return typeof value === 'string' ? value : String(value);
    default:
      return typeof value === 'number' ? value : Number(value);
  }
}

/** A Long (protobufjs with long.js), a number or a string → its decimal string, sign kept. */
export function longToString(value: unknown): string {
  if (typeof value === 'object' && value !== null)
    return String((value as { toString(): string }).toString());
  return String(value);
}

/**
 * NaN and the infinities are strings in proto3 JSON. A float is read as the double nearest its 32 bits
 * (0.1f → 0.10000000149011612): we print the shortest decimal that reads back as the same float, as
 * protoc's and Go's encoders do ("0.1").
 */
export function floatToJson(v: number, float32: boolean): JsonValue {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  if (!float32 || v === 0) return v;
  for (let digits = 1; digits <= 9; digits++) {
    const shorter = Number(v.toPrecision(digits));
    if (Math.fround(shorter) === v) return shorter;
  }
  return v;
}

export function bytesToBase64(value: unknown): string {
  if (typeof value === 'string') return value; // already base64 (a proto2 default)
  const u8 = value instanceof Uint8Array ? value : new Uint8Array(0);
  return Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength).toString('base64');
}

/**
 * Proto3 implicit presence: a field holding its type's default is not serialized, so not shown. -0.0 is
 * not the default (its bits differ from 0.0), as in protoc's and Go's implementations.
 */
export function isImplicitDefault(v: unknown): boolean {
  if (typeof v === 'number') return v === 0 && !Object.is(v, -0);
  if (typeof v === 'boolean') return !v;
  if (typeof v === 'string') return v === '';
  if (v instanceof Uint8Array) return v.length === 0;
  if (typeof v === 'object' && v !== null && 'isZero' in v && typeof v.isZero === 'function')
    return (v as { isZero(): boolean }).isZero();
  return false;
}
