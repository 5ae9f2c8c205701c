/**
 * A loaded schema: resolves `/pkg.Service/Method` (PROTOCOL-HTTP2.md: Path → "/" Service-Name "/" method)
 * to request/response types and streaming flags, and decodes messages with them. Messages that do not
 * decode with their schema fall back to schema-less decoding with a diagnostic. Loading lives in
 * schema-load.ts; this file is pure.
 */
import type protobuf from 'protobufjs';
import { protobufjs } from './protobufjs.js';
import { decodeToJson, type JsonValue } from './proto-json.js';
import { compareWithType } from './schema-match.js';
import { collectServices, methodInfo, type MethodInfo } from './schema-method.js';

export type { MethodInfo };

export type SchemaDecode =
  | { ok: true; type: string; value: JsonValue; unknownFields: number[] }
  | { ok: false; type: string; reason: string };

export class GrpcSchema {
  private readonly cache = new Map<string, MethodInfo | null>();

  constructor(private readonly roots: readonly protobuf.Root[]) {}

  static fromRoot(root: protobuf.Root): GrpcSchema {
    return new GrpcSchema([root]);
  }

  /** Resolves a :path; null when the path is malformed or the method is not in the schema. */
  resolveMethod(path: string): MethodInfo | null {
    let info = this.cache.get(path);
    if (info === undefined) {
      info = this.findMethod(path);
      this.cache.set(path, info);
    }
    return info;
  }

  /** Every method of every service, in schema order. */
  methods(): MethodInfo[] {
    const out: MethodInfo[] = [];
    for (const root of this.roots) collectServices(root, out);
    return out;
  }

  /** A message type by full name ("pkg.Msg", no leading dot), from any root; null when absent. */
  lookupType(fullName: string): protobuf.Type | null {
    for (const root of this.roots) {
      const t = root.lookup(fullName);
      if (t instanceof protobufjs().Type) return t;
    }
    return null;
  }

  /** Decodes bytes as `type`. Never throws. */
  decode(type: protobuf.Type, bytes: Uint8Array): SchemaDecode {
    const name = typeName(type);
    const r = decodeToJson(type, bytes);
    if (!r.ok) return { ok: false, type: name, reason: r.reason };
    return {
      ok: true,
      type: name,
      value: r.value,
      unknownFields: compareWithType(type, bytes).unknownFields,
    };
  }

  private findMethod(path: string): MethodInfo | null {
    const m = /^\/([^/]+)\/([^/]+)$/.exec(path);
    if (m === null) return null;
    const [, serviceName = '', methodName = ''] = m;
    for (const root of this.roots) {
      const s = root.lookup(serviceName);
      if (s instanceof protobufjs().Service && Object.prototype.hasOwnProperty.call(s.methods, methodName)) {
        const method = s.methods[methodName];
        if (method !== undefined) return methodInfo(s, method);
      }
    }
    return null;
  }
}

export function typeName(type: protobuf.Type): string {
  return type.fullName.replace(/^\./, '');
}
