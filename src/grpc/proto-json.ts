/**
 * Message → JSON-friendly object, close to the proto3 JSON mapping: 64-bit integers as decimal strings,
 * enums by name, bytes as base64, defaults omitted, NaN/Infinity as strings, Any unpacked when its type is
 * known (protobufjs toObject with `json: true`).
 */
import type protobuf from 'protobufjs';

export const TO_OBJECT_OPTIONS: protobuf.IConversionOptions = {
  longs: String,
  enums: String,
  bytes: String,
  defaults: false,
  json: true,
};

export type DecodeToJson = { ok: true; value: Record<string, unknown> } | { ok: false; reason: string };

/** Decodes bytes with a type; never throws. An Any that cannot be unpacked is kept packed (type_url, value). */
export function decodeToJson(type: protobuf.Type, bytes: Uint8Array): DecodeToJson {
  let message: protobuf.Message;
  try {
    message = type.decode(bytes);
  } catch (e) {
    return { ok: false, reason: errorText(e) };
  }
  try {
    return { ok: true, value: type.toObject(message, TO_OBJECT_OPTIONS) };
  } catch {
    // json:true unpacks Any and throws when the packed bytes do not match their type
    return { ok: true, value: type.toObject(message, { ...TO_OBJECT_OPTIONS, json: false }) };
  }
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
