/**
 * Well-known types in the proto3 JSON mapping (protobuf.dev/programming-guides/json, "JSON Mapping" and
 * "Well-known types"; google/protobuf/*.proto comments): Duration "1.5s", Timestamp RFC 3339 with "Z",
 * wrappers as their bare value, Struct/Value/ListValue as plain JSON, FieldMask as a comma-joined list of
 * lowerCamelCase paths, Any as {"@type", ...fields} (or {"@type", "value"} around a well-known type).
 * Empty needs nothing special ({}). A value outside the type's documented range (a Duration above 10,000
 * years, nanos of the wrong sign) has no JSON form: it is shown as the plain message instead.
 */
import type protobuf from 'protobufjs';
import { protobufjs } from './protobufjs.js';
import type { JsonValue } from './proto-json.js';
import { bytesToBase64, floatToJson, longToString, scalarToJson } from './proto-json-scalar.js';

type MessageLike = Record<string, unknown>;
type ToJson = (type: protobuf.Type, message: MessageLike) => JsonValue;

const WRAPPERS = new Set(
  ['Double', 'Float', 'Int64', 'UInt64', 'Int32', 'UInt32', 'Bool', 'String', 'Bytes'].map(
    (n) => `.google.protobuf.${n}Value`,
  ),
);

/** The special JSON of a well-known type, or undefined for any other type (and out-of-range values). */
export function wellKnownToJson(
  type: protobuf.Type,
  message: MessageLike,
  toJson: ToJson,
): JsonValue | undefined {
  const name = type.fullName;
  if (WRAPPERS.has(name)) return wrapperToJson(type, message);
  switch (name) {
    case '.google.protobuf.Duration':
      return durationToJson(get(type, message, 1), get(type, message, 2));
    case '.google.protobuf.Timestamp':
      return timestampToJson(get(type, message, 1), get(type, message, 2));
    case '.google.protobuf.Struct':
      return structToJson(type, message, toJson);
    case '.google.protobuf.Value':
      return valueToJson(type, message, toJson);
    case '.google.protobuf.ListValue':
      return listToJson(type, message, toJson);
    case '.google.protobuf.FieldMask':
      return fieldMaskToJson(get(type, message, 1));
    case '.google.protobuf.Any':
      return anyToJson(type, message, toJson);
    default:
      return undefined;
  }
}

/** A field's value by number (names differ: camelCase from .proto, snake_case from descriptor sets). */
function get(type: protobuf.Type, message: MessageLike, id: number): unknown {
  const field = type.fieldsById[id];
  return field === undefined ? undefined : message[field.name];
}

function wrapperToJson(type: protobuf.Type, message: MessageLike): JsonValue {
  const field = type.fieldsById[1];
  if (field === undefined) return null;
  // Unset on the wire reads the prototype's default: Int32Value {} is 0, StringValue {} is "".
  return scalarToJson(field.type, message[field.name]);
}

const MAX_DURATION_SECONDS = 315_576_000_000n; // duration.proto: "approximately +-10,000 years"

function durationToJson(secondsValue: unknown, nanosValue: unknown): JsonValue | undefined {
  const seconds = BigInt(longToString(secondsValue ?? 0));
  const nanos = Number(nanosValue ?? 0);
  const abs = seconds < 0n ? -seconds : seconds;
  // duration.proto: nanos in -999,999,999..999,999,999 with the sign of seconds when seconds is not 0.
  if (abs > MAX_DURATION_SECONDS || Math.abs(nanos) > 999_999_999) return undefined;
  if ((seconds < 0n && nanos > 0) || (seconds > 0n && nanos < 0)) return undefined;
  const sign = seconds < 0n || nanos < 0 ? '-' : '';
  return `${sign}${abs}${fraction(Math.abs(nanos))}s`;
}

// timestamp.proto: 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59.999999999Z
const MIN_TIMESTAMP = -62_135_596_800;
const MAX_TIMESTAMP = 253_402_300_799;

function timestampToJson(secondsValue: unknown, nanosValue: unknown): JsonValue | undefined {
  const seconds = Number(longToString(secondsValue ?? 0));
  const nanos = Number(nanosValue ?? 0);
  if (seconds < MIN_TIMESTAMP || seconds > MAX_TIMESTAMP || nanos < 0 || nanos > 999_999_999)
    return undefined;
  // "Uses RFC 3339, where generated output will always be Z-normalized and uses 0, 3, 6 or 9 fractional digits"
  return `${new Date(seconds * 1000).toISOString().slice(0, 19)}${fraction(nanos)}Z`;
}

/** 0, 3, 6 or 9 fractional digits, as few as the value needs (the spec's generated output). */
function fraction(nanos: number): string {
  if (nanos === 0) return '';
  const nine = String(nanos).padStart(9, '0');
  if (nanos % 1_000_000 === 0) return `.${nine.slice(0, 3)}`;
  if (nanos % 1_000 === 0) return `.${nine.slice(0, 6)}`;
  return `.${nine}`;
}

function structToJson(type: protobuf.Type, message: MessageLike, toJson: ToJson): JsonValue {
  const fields = (get(type, message, 1) ?? {}) as Record<string, MessageLike>;
  const valueType = type.fieldsById[1]?.resolvedType;
  const out: { [key: string]: JsonValue } = {};
  for (const [k, v] of Object.entries(fields))
    out[k] = valueType instanceof protobufjs().Type ? toJson(valueType, v) : null;
  return out;
}

/**
 * Value's oneof `kind`: null_value 1, number_value 2, string_value 3, bool_value 4, struct_value 5,
 * list_value 6. A Value with no kind set has no JSON form; we show null. A NaN or infinite number_value is
 * an error for the spec ("Attempting to serialize NaN or Infinity results in error"): we show its string.
 */
function valueToJson(type: protobuf.Type, message: MessageLike, toJson: ToJson): JsonValue {
  for (const field of type.fieldsArray) {
    if (!Object.prototype.hasOwnProperty.call(message, field.name)) continue;
    const v = message[field.name];
    if (v === null || v === undefined) continue;
    switch (field.id) {
      case 1:
        return null;
      case 2:
        return floatToJson(Number(v), false);
      case 3:
        return String(v);
      case 4:
        return v === true;
      default: {
        const t = field.resolvedType;
        return t instanceof protobufjs().Type ? toJson(t, v as MessageLike) : null;
      }
    }
  }
  return null;
}

function listToJson(type: protobuf.Type, message: MessageLike, toJson: ToJson): JsonValue {
  const values = (get(type, message, 1) ?? []) as MessageLike[];
  const valueType = type.fieldsById[1]?.resolvedType;
  return values.map((v) => (valueType instanceof protobufjs().Type ? toJson(valueType, v) : null));
}

/** field_mask.proto: "paths" joined by ",", each converted to lowerCamelCase ("user.display_name" → "user.displayName"). */
function fieldMaskToJson(paths: unknown): JsonValue {
  const list = Array.isArray(paths) ? (paths as unknown[]).map(String) : [];
  return list.map((p) => p.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())).join(',');
}

/**
 * any.proto: "If the embedded message type is well-known and has a custom JSON representation, that
 * representation will be embedded adding a field `value` which holds the custom JSON in addition to the
 * `@type` field", otherwise the message's fields sit next to "@type". A type the schema does not have, or
 * bytes that do not decode with it, are shown as {"@type", "value": base64 of the bytes}.
 */
function anyToJson(type: protobuf.Type, message: MessageLike, toJson: ToJson): JsonValue {
  const typeUrl = String(get(type, message, 1) ?? '');
  const bytes = get(type, message, 2);
  if (typeUrl === '') return {};
  const inner = lookupType(type.root, typeUrl.slice(typeUrl.lastIndexOf('/') + 1));
  if (inner !== null) {
    try {
      const decoded = inner.decode(bytes instanceof Uint8Array ? bytes : new Uint8Array(0));
      const json = toJson(inner, decoded as unknown as MessageLike);
      if (json !== null && typeof json === 'object' && !Array.isArray(json) && !isSpecial(inner))
        return { '@type': typeUrl, ...json };
      return { '@type': typeUrl, value: json };
    } catch {
      // falls through to the packed form
    }
  }
  return { '@type': typeUrl, value: bytesToBase64(bytes) };
}

function isSpecial(type: protobuf.Type): boolean {
  return WRAPPERS.has(type.fullName) || SPECIAL.has(type.fullName);
}

const SPECIAL = new Set(
  ['Duration', 'Timestamp', 'Struct', 'Value', 'ListValue', 'FieldMask', 'Any'].map(
    (n) => `.google.protobuf.${n}`,
  ),
);

function lookupType(root: protobuf.Namespace, name: string): protobuf.Type | null {
  if (name === '') return null;
  try {
    const t = root.lookup(name);
    return t instanceof protobufjs().Type ? t : null;
  } catch {
    return null;
  }
}
