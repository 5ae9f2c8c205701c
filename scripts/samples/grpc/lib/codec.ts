// Protobuf encoding of the Lab messages with protobufjs, independent of the grpc-js stack, so a sample's
// meta.json can state each message's exact size (the gRPC length prefix) and bytes.
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

export const PROTO_DIR = fileURLToPath(new URL('../../protos/', import.meta.url));
export const SCOPE_PROTO = `${PROTO_DIR}scope.proto`;
export const RPC_STATUS_PROTO = `${PROTO_DIR}rpc-status.proto`;

// keepCase: the proto's own field names, as @grpc/proto-loader is configured in service.ts.
const root = new protobuf.Root().loadSync([SCOPE_PROTO, RPC_STATUS_PROTO], { keepCase: true });

/** meta.json carries a message's bytes up to HEX_LIMIT, its JSON up to JSON_LIMIT, else a digest. */
const HEX_LIMIT = 256;
const JSON_LIMIT = 4096;

export interface MessageRecord {
  /** Length of the serialized message: the gRPC length prefix when sent uncompressed. */
  size: number;
  /** protobufjs toObject: proto field names, int64 as strings, enums by name, bytes as base64. */
  json?: unknown;
  hex?: string;
  /** Of the serialized message, for messages too big for `hex`. */
  sha256?: string;
}

export function lookupType(name: string): protobuf.Type {
  return root.lookupType(name);
}

export function encodeMessage(typeName: string, value: object): Buffer {
  const type = lookupType(typeName);
  return Buffer.from(type.encode(type.fromObject(value)).finish());
}

/** Describes a serialized message exactly as it went on the wire (before any compression). */
export function describeBytes(typeName: string, bytes: Uint8Array): MessageRecord {
  const type = lookupType(typeName);
  const record: MessageRecord = { size: bytes.length };
  if (bytes.length <= JSON_LIMIT) {
    record.json = type.toObject(type.decode(bytes), { longs: String, enums: String, bytes: String });
  }
  if (bytes.length <= HEX_LIMIT) record.hex = Buffer.from(bytes).toString('hex');
  else record.sha256 = createHash('sha256').update(bytes).digest('hex');
  return record;
}

/** Wraps `value` as a google.protobuf.Any (type URL as googleapis servers write it). */
export function packAny(typeName: string, value: object): { type_url: string; value: Buffer } {
  return { type_url: `type.googleapis.com/${typeName}`, value: encodeMessage(typeName, value) };
}
