/**
 * grpc-status-details-bin: a serialized google.rpc.Status (code, message, details as google.protobuf.Any)
 * sent in Trailers by servers using the "richer error model" (grpc.io/docs/guides/error). Known detail
 * types are decoded; unknown Any types are shown with their type URL and a raw decode of their bytes.
 */
import type protobuf from 'protobufjs';
import { diag } from '../diagnostics/make.js';
import { GRPC_DIAGNOSTICS } from '../diagnostics/grpc.js';
import type { Diagnostic, DiagnosticWhere } from '../diagnostics/types.js';
import { decodeBinaryHeader } from './metadata.js';
import { decodeToJson, errorText } from './proto-json.js';
import { decodeRaw, type RawField } from './protobuf-raw.js';
import { rpcStatusRoot } from './rpc-status-proto.js';
import { grpcStatusName } from './status.js';

export type { RpcStatus, RpcStatusDetail } from '../records/call.js';
import type { RpcStatus, RpcStatusDetail } from '../records/call.js';

export interface RpcStatusResult {
  status: RpcStatus | null;
  /** When the bytes are not a google.rpc.Status: what they look like schema-less. */
  raw?: RawField[];
  diagnostic: Diagnostic | null;
}

export interface RpcStatusOptions {
  where?: DiagnosticWhere;
  /** Extra types (e.g. from --proto files) for Any details outside google.rpc. */
  lookupType?: (fullName: string) => protobuf.Type | null;
}

/** Decodes the raw header bytes of grpc-status-details-bin (base64, or NUL-prefixed true binary). */
export function decodeStatusDetailsHeader(raw: Buffer, options: RpcStatusOptions = {}): RpcStatusResult {
  const decoded = decodeBinaryHeader(raw);
  return decodeRpcStatus(decoded.values[0] ?? Buffer.alloc(0), options);
}

export function decodeRpcStatus(bytes: Uint8Array, options: RpcStatusOptions = {}): RpcStatusResult {
  const root = rpcStatusRoot();
  const Status = statusType(root);
  let msg: protobuf.Message & { code?: number; message?: string; details?: AnyMessage[] };
  try {
    msg = Status.decode(bytes);
  } catch (e) {
    const d = diag(
      GRPC_DIAGNOSTICS,
      'grpc.bad-status-details',
      { reason: errorText(e) },
      options.where ?? {},
    );
    return { status: null, raw: decodeRaw(bytes).fields, diagnostic: d };
  }
  const code = msg.code ?? 0;
  const status: RpcStatus = {
    code,
    codeName: grpcStatusName(code),
    message: msg.message ?? '',
    details: (msg.details ?? []).map((a) => decodeDetail(a, root, options)),
  };
  return { status, diagnostic: null };
}

interface AnyMessage {
  typeUrl?: string;
  value?: Uint8Array;
}

function decodeDetail(any: AnyMessage, root: protobuf.Root, options: RpcStatusOptions): RpcStatusDetail {
  const typeUrl = any.typeUrl ?? '';
  const bytes = any.value ?? new Uint8Array(0);
  // Any: "type.googleapis.com/full.type.name"; the name is what follows the last '/'.
  const name = typeUrl.slice(typeUrl.lastIndexOf('/') + 1);
  const type = lookup(root, name) ?? options.lookupType?.(name) ?? null;
  if (type !== null) {
    const r = decodeToJson(type, bytes);
    if (r.ok) return { typeUrl, type: name, value: r.value };
  }
  const raw = decodeRaw(bytes);
  const detail: RpcStatusDetail = { typeUrl, type: null, value: null };
  if (raw.ok) detail.raw = raw.fields;
  else detail.hex = Buffer.from(bytes).toString('hex');
  return detail;
}

let cachedStatus: protobuf.Type | null = null;

function statusType(root: protobuf.Root): protobuf.Type {
  return (cachedStatus ??= root.lookupType('google.rpc.Status'));
}

/**
 * Detail types by Any type name, looked up in the fixed google.rpc root. Every error call of a capture
 * asks again, and protobufjs's lookupType throws (slow) for names it lacks; the answers are remembered,
 * for at most LOOKUPS_KEPT names so that a capture full of odd type URLs cannot grow the table.
 */
const lookups = new Map<string, protobuf.Type | null>();
const LOOKUPS_KEPT = 256;

function lookup(root: protobuf.Root, name: string): protobuf.Type | null {
  if (name === '') return null;
  const known = lookups.get(name);
  if (known !== undefined) return known;
  let type: protobuf.Type | null;
  try {
    type = root.lookupType(name);
  } catch {
    type = null;
  }
  if (lookups.size < LOOKUPS_KEPT) lookups.set(name, type);
  return type;
}
