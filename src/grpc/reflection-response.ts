/**
 * The parts of a gRPC server reflection response h2scope reads (grpc/grpc
 * src/proto/grpc/reflection/v1/reflection.proto; v1alpha has the same field numbers):
 *
 *   ServerReflectionResponse { file_descriptor_response = 4; list_services_response = 6; error_response = 7 }
 *   FileDescriptorResponse   { repeated bytes file_descriptor_proto = 1 }
 *   ListServiceResponse      { repeated ServiceResponse service = 1 }   ServiceResponse { string name = 1 }
 *   ErrorResponse            { int32 error_code = 1; string error_message = 2 }
 *
 * Pure and hand-rolled (a few length-delimited fields): bytes in, values out, malformed input as `error`.
 */
import { readVarint } from './protobuf-varint.js';

export const REFLECTION_METHODS: ReadonlySet<string> = new Set([
  '/grpc.reflection.v1.ServerReflection/ServerReflectionInfo',
  '/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo',
]);

export interface ReflectionResponse {
  /** Serialized google.protobuf.FileDescriptorProto messages, as sent. */
  files: Uint8Array[];
  services: string[];
  /** error_response.error_message, when the server answered with one. */
  serverError: string | null;
  /** Why the bytes are not a well-formed response; null when they are. */
  error: string | null;
}

interface Field {
  number: number;
  /** The bytes of a length-delimited field; null for other wire types. */
  bytes: Uint8Array | null;
}

/** The top-level fields of a protobuf message, or the reason it does not parse. Never throws. */
function fields(buf: Uint8Array): { fields: Field[]; error: string | null } {
  const out: Field[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const tag = readVarint(buf, pos, buf.length);
    if (!tag.ok || typeof tag.value !== 'number') return { fields: out, error: `bad tag at byte ${pos}` };
    pos = tag.pos;
    const number = Math.floor(tag.value / 8);
    const wire = tag.value % 8;
    if (wire === 0) {
      const v = readVarint(buf, pos, buf.length);
      if (!v.ok) return { fields: out, error: `bad varint at byte ${pos}` };
      pos = v.pos;
      out.push({ number, bytes: null });
    } else if (wire === 1 || wire === 5) {
      pos += wire === 1 ? 8 : 4;
      if (pos > buf.length) return { fields: out, error: 'truncated fixed-width field' };
      out.push({ number, bytes: null });
    } else if (wire === 2) {
      const len = readVarint(buf, pos, buf.length);
      if (!len.ok || typeof len.value !== 'number' || len.pos + len.value > buf.length)
        return { fields: out, error: `bad length at byte ${pos}` };
      out.push({ number, bytes: buf.subarray(len.pos, len.pos + len.value) });
      pos = len.pos + len.value;
    } else {
      return { fields: out, error: `unsupported wire type ${wire} at byte ${pos}` };
    }
  }
  return { fields: out, error: null };
}

const utf8 = new TextDecoder();

export function decodeReflectionResponse(bytes: Uint8Array): ReflectionResponse {
  const r: ReflectionResponse = { files: [], services: [], serverError: null, error: null };
  const top = fields(bytes);
  r.error = top.error;
  for (const f of top.fields) {
    if (f.bytes === null) continue;
    const inner = fields(f.bytes);
    r.error ??= inner.error;
    if (f.number === 4) {
      for (const g of inner.fields) if (g.number === 1 && g.bytes !== null) r.files.push(g.bytes);
    } else if (f.number === 6) {
      for (const g of inner.fields) {
        if (g.number !== 1 || g.bytes === null) continue;
        const name = fields(g.bytes).fields.find((h) => h.number === 1 && h.bytes !== null);
        if (name?.bytes) r.services.push(utf8.decode(name.bytes));
      }
    } else if (f.number === 7) {
      const message = inner.fields.find((g) => g.number === 2 && g.bytes !== null);
      r.serverError = message?.bytes ? utf8.decode(message.bytes) : '';
    }
  }
  return r;
}

/** FileDescriptorProto.name (field 1), or null. */
export function fileDescriptorName(file: Uint8Array): string | null {
  const name = fields(file).fields.find((f) => f.number === 1 && f.bytes !== null);
  return name?.bytes ? utf8.decode(name.bytes) : null;
}

/** A google.protobuf.FileDescriptorSet (repeated FileDescriptorProto file = 1) holding `files`. */
export function fileDescriptorSet(files: readonly Uint8Array[]): Uint8Array {
  const parts: number[] = [];
  for (const f of files) {
    parts.push(0x0a);
    let n = f.length;
    while (n >= 0x80) {
      parts.push((n & 0x7f) | 0x80);
      n = Math.floor(n / 128);
    }
    parts.push(n);
    for (const b of f) parts.push(b);
  }
  return Uint8Array.from(parts);
}
