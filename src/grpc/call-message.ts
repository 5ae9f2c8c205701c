/**
 * One gRPC message of a call, from Length-Prefixed-Message to a CallMessageRecord: decompress with the
 * sender's grpc-encoding, then decode by content-type: +json as text, protobuf with the method's schema
 * when there is one (falling back to schema-less with a diagnostic), schema-less otherwise.
 */
import type protobuf from 'protobufjs';
import { diag } from '../diagnostics/make.js';
import { GRPC_DIAGNOSTICS } from '../diagnostics/grpc.js';
import type { Diagnostic, DiagnosticWhere } from '../diagnostics/types.js';
import type { CallMessageRecord, DecodedMessage } from '../records/call.js';
import { decompressMessage, type DecompressionBudget } from './compression.js';
import type { GrpcMessage } from './message-reader.js';
import { decodeRaw, parsesAsProtobuf } from './protobuf-raw.js';
import { LazyRawMessage } from './raw-message.js';
import type { GrpcSchema } from './schema.js';

/**
 * --payload: `full` decodes every message (schema, or schema-less with every byte as hex); `head` does too
 * but keeps only the first PAYLOAD_HEAD_BYTES of a bytes field or hex preview (with its `length` and
 * `truncated`); `none` decodes no message (`decoded` is skipped), while decompression and a schema still
 * run so the diagnostics are those of `full`.
 */
export const PAYLOAD_MODES = ['none', 'head', 'full'] as const;
export type PayloadMode = (typeof PAYLOAD_MODES)[number];
/** Bytes of a bytes field or hex preview that --payload head keeps. */
export const PAYLOAD_HEAD_BYTES = 32;

export interface MessageDecodeContext {
  /** grpc-encoding of the side that sent the message (null when absent). */
  encoding: string | null;
  format: 'proto' | 'json' | 'other';
  schema: GrpcSchema | null;
  /** The method's request or response type, when the schema knows the method. */
  type: protobuf.Type | null;
  direction: 'request' | 'response';
  method: string | null;
  where: DiagnosticWhere;
  /** Messages longer than this (after decompression) are not decoded. */
  maxDecodeBytes: number;
  /** Hex previews are cut to this many bytes. */
  hexPreviewBytes: number;
  /** --payload (absent: full). */
  payload?: PayloadMode;
  /** The capture's decompression budget. */
  budget?: DecompressionBudget;
}

export interface DecodedCallMessage {
  record: CallMessageRecord;
  diagnostics: Diagnostic[];
}

export function decodeCallMessage(msg: GrpcMessage, ctx: MessageDecodeContext): DecodedCallMessage {
  const diagnostics: Diagnostic[] = [];
  const record: CallMessageRecord = {
    length: msg.length,
    compressed: msg.compressed,
    firstTime: msg.firstTime,
    time: msg.lastTime,
    packet: msg.lastPacket,
    // Shared values: most records get another `decoded` below, and none is ever changed after.
    decoded: OVER_CAP,
  };
  if (msg.bytes === null) {
    if (!msg.overCap) record.decoded = NOT_DECODED; // not kept: --payload none
    return { record, diagnostics };
  }
  // Most messages are not compressed: no `where` and no decompression result for them (per message).
  const where = msg.compressed || ctx.schema !== null ? { ...ctx.where, time: msg.firstTime } : NO_WHERE;
  let bytes = msg.bytes;
  if (msg.compressed) {
    const inflated = decompressMessage(msg.bytes, true, ctx.encoding, { where, budget: ctx.budget });
    if (inflated.diagnostic !== null) diagnostics.push(inflated.diagnostic);
    if (!inflated.decompressed) {
      const why = inflated.budgetSpent ? "the capture's decompression budget is spent" : 'not inflated';
      record.decoded = {
        kind: 'skipped',
        reason: `compressed (${ctx.encoding ?? 'no grpc-encoding'}), ${why}`,
      };
      return { record, diagnostics };
    }
    record.decompressedLength = inflated.bytes.length;
    bytes = inflated.bytes;
  }
  if (bytes.length > ctx.maxDecodeBytes) {
    record.decoded = { kind: 'skipped', reason: `larger than the ${ctx.maxDecodeBytes}-byte decode cap` };
    return { record, diagnostics };
  }
  const decoded = decodeBody(bytes, ctx, where, diagnostics);
  record.decoded = ctx.payload === 'none' ? NOT_DECODED : decoded;
  return { record, diagnostics };
}

/** A message past the per-call cap: only counted (shared, never written to). */
const OVER_CAP: DecodedMessage = Object.freeze({ kind: 'skipped', reason: 'over the message cap' });

const NOT_DECODED: DecodedMessage = Object.freeze({
  kind: 'skipped',
  reason: 'not decoded (--payload none)',
});

/** The `where` of diagnostics that cannot happen (uncompressed, no schema): never used. */
const NO_WHERE: DiagnosticWhere = Object.freeze({});

function decodeBody(
  bytes: Buffer,
  ctx: MessageDecodeContext,
  where: DiagnosticWhere,
  out: Diagnostic[],
): DecodedMessage {
  if (ctx.format === 'json') return { kind: 'text', text: bytes.toString('utf8') };
  if (ctx.schema !== null && ctx.type !== null) {
    const r = ctx.schema.decode(ctx.type, bytes);
    if (r.ok) {
      const d: DecodedMessage = { kind: 'schema', type: r.type, value: r.value };
      if (r.unknownFields.length > 0) d.unknownFields = r.unknownFields;
      return d;
    }
    const params = { direction: ctx.direction, method: ctx.method ?? '?', type: r.type, reason: r.reason };
    out.push(diag(GRPC_DIAGNOSTICS, 'grpc.schema-mismatch', params, where));
  }
  // Nothing below can report anything: with --payload none the scan and the hex are skipped entirely.
  if (ctx.payload === 'none') return NOT_DECODED;
  if (ctx.payload === 'head')
    return decodeSchemaless(bytes, Math.min(ctx.hexPreviewBytes, PAYLOAD_HEAD_BYTES), PAYLOAD_HEAD_BYTES);
  return decodeSchemaless(bytes, ctx.hexPreviewBytes);
}

/** `bytesHead`: bytes fields longer than this keep only their first bytesHead bytes (--payload head). */
export function decodeSchemaless(bytes: Buffer, hexPreviewBytes: number, bytesHead?: number): DecodedMessage {
  // The fields are built only when read: the ndjson writer writes them from the bytes. bytesHead changes
  // only how long bytes fields are shown, never whether the message parses.
  if (bytes.length > 0 && parsesAsProtobuf(bytes)) return new LazyRawMessage(bytes, bytesHead);
  const raw = decodeRaw(bytes, { bytesHead });
  if (raw.ok) return { kind: 'raw', fields: raw.fields };
  return hexPreview(bytes, hexPreviewBytes, `not protobuf: ${raw.error} at byte ${raw.offset}`);
}

export function hexPreview(bytes: Buffer, max: number, error: string): DecodedMessage {
  return {
    kind: 'bytes',
    hex: bytes.subarray(0, max).toString('hex'),
    truncated: bytes.length > max,
    error,
  };
}
