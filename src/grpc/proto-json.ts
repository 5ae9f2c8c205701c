/**
 * A decoded protobuf message → its proto3 JSON mapping (protobuf.dev/programming-guides/json, "JSON
 * Mapping"), over protobufjs reflection (Type, Field, MapField, OneOf, Enum). We do not use protobufjs's
 * toObject (it shows fields sent with their default value and well-known types as plain messages) nor
 * protobufjs/ext/protojson (it throws on edge cases). Never throws on any decoded message.
 *
 * Field names are the JSON names (lowerCamelCase, or `json_name`). Presence follows the spec's "Presence
 * and default-values": a field with implicit presence (proto3 scalar, not `optional`) that holds its
 * default is omitted even when it was on the wire; fields with explicit presence (messages, oneof members,
 * proto3 `optional`, proto2) are shown when set; repeated and map fields when not empty. Unknown fields
 * are dropped (they stay listed in `unknownFields` by schema.ts).
 */
import type protobuf from 'protobufjs';
import { protobufjs } from './protobufjs.js';
import { scalarToJson, isImplicitDefault } from './proto-json-scalar.js';
import { wellKnownToJson } from './proto-json-wkt.js';

export type { JsonValue } from '../records/call.js';
import type { JsonValue } from '../records/call.js';

export type DecodeToJson = { ok: true; value: JsonValue } | { ok: false; reason: string };

type MessageLike = Record<string, unknown>;
/** What a field's value needs to be mapped: Field and MapField (its value type) both have it. */
type ValueField = Pick<protobuf.Field, 'type' | 'resolvedType'>;

/** Decodes bytes with a type and maps the message to proto3 JSON; never throws. */
export function decodeToJson(type: protobuf.Type, bytes: Uint8Array): DecodeToJson {
  let message: protobuf.Message;
  try {
    message = type.decode(bytes);
  } catch (e) {
    return { ok: false, reason: errorText(e) };
  }
  try {
    return { ok: true, value: messageToJson(type, message as unknown as MessageLike) };
  } catch (e) {
    // Only a programmer error or a stack overflow (absurd nesting) gets here: report, do not crash.
    return { ok: false, reason: `proto3 JSON mapping failed: ${errorText(e)}` };
  }
}

/** A decoded message of `type` → proto3 JSON (a well-known type → its special form). */
export function messageToJson(type: protobuf.Type, message: MessageLike): JsonValue {
  const special = wellKnownToJson(type, message, messageToJson);
  if (special !== undefined) return special;
  const out: { [key: string]: JsonValue } = {};
  for (const field of type.fieldsArray) {
    field.resolve();
    if (!isSet(field, message)) continue;
    out[field.jsonName] = fieldToJson(field, message[field.name]);
  }
  return out;
}

/** Is the field shown? protobufjs's decode sets own properties only for fields found on the wire. */
function isSet(field: protobuf.Field, message: MessageLike): boolean {
  if (!Object.prototype.hasOwnProperty.call(message, field.name)) return false;
  const v = message[field.name];
  if (v === null || v === undefined) return false;
  if (field.map) return Object.keys(v).length > 0;
  if (field.repeated) return Array.isArray(v) && v.length > 0;
  // A oneof member is set when it is the member on the wire (the spec: "oneof: only the set field").
  if (field.partOf !== null) return true;
  if (field.hasPresence) return true;
  return !isImplicitDefault(v);
}

function fieldToJson(field: protobuf.Field, value: unknown): JsonValue {
  if (field instanceof protobufjs().MapField) return mapToJson(field, value as MessageLike);
  if (field.repeated) return (value as unknown[]).map((v) => valueToJson(field, v));
  return valueToJson(field, value);
}

/** One value of a singular field, a repeated field's element or a map's value. */
export function valueToJson(field: ValueField, value: unknown): JsonValue {
  const t = field.resolvedType;
  if (t instanceof protobufjs().Type) return messageToJson(t, value as MessageLike);
  if (t instanceof protobufjs().Enum) return enumToJson(t, value);
  return scalarToJson(field.type, value);
}

/** Enums by name; a number the enum does not define stays a number; NullValue is JSON null. */
function enumToJson(e: protobuf.Enum, value: unknown): JsonValue {
  if (e.fullName === '.google.protobuf.NullValue') return null;
  const n = typeof value === 'number' ? value : Number(value);
  return e.valuesById[n] ?? n;
}

/** Map keys are strings in JSON; protobufjs keys 64-bit maps by an 8-character hash of the Long. */
function mapToJson(field: protobuf.MapField, value: MessageLike): JsonValue {
  const out: { [key: string]: JsonValue } = {};
  const long64 = ['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64'].includes(field.keyType);
  const unsigned = field.keyType === 'uint64' || field.keyType === 'fixed64';
  for (const [k, v] of Object.entries(value)) {
    const key =
      long64 && k.length === 8 ? protobufjs().util.LongBits.fromHash(k).toLong(unsigned).toString() : k;
    out[key] = valueToJson(field, v);
  }
  return out;
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
