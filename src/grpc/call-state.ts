/**
 * Mutable per-stream state of the call tracker. Private to call-tracker.ts and call-finish.ts: the
 * outside world sees CallRecords only.
 */
import type { Diagnostic, DiagnosticWhere } from '../diagnostics/types.js';
import type { DecompressionBudget } from './compression.js';
import type { HeaderField, HpackUnknown } from '../h2/types.js';
import type { Role } from '../records/records.js';
import type { CallGuess, CallMessageRecord } from '../records/call.js';
import type { GrpcContentType } from './content-type.js';
import type { Base64Stream } from './grpc-web.js';
import type { GrpcMessage, GrpcMessageReader } from './message-reader.js';
import type { MetadataEntry } from './metadata.js';
import type { GrpcSchema, MethodInfo } from './schema.js';
import type { PayloadMode } from './call-message.js';
import type { ReflectedSchema } from './reflection-schema.js';

export type Direction = 'request' | 'response';

export function directionOf(from: Role): Direction {
  return from === 'client' ? 'request' : 'response';
}

/** A non-gRPC response body (HTTP error page, JSON error from a proxy): kept as a capped preview. */
export interface BodyPreview {
  length: number;
  chunks: Buffer[];
  kept: number;
}

export interface SideState {
  /** Length-Prefixed-Message reader; null once the side is read as a plain body or framing broke. */
  reader: GrpcMessageReader | null;
  body: BodyPreview | null;
  /** application/grpc-web-text: the base64 layer under the messages. */
  text: Base64Stream | null;
  count: number;
  /** Decoded messages (at most maxMessagesPerCall). */
  messages: CallMessageRecord[];
  /** Messages held undecoded until the method is guessed (schema loaded, :path unknown). */
  deferred: GrpcMessage[];
  /** Every Compressed-Flag so far was 0 or 1. */
  framingOk: boolean;
  /** END_STREAM time, null while open. */
  ended: number | null;
}

export interface CallState {
  stream: number;
  /** Where the call's diagnostics belong ({connection, stream}): one object per call, never changed. */
  where: DiagnosticWhere;
  /** 'grpc': request content-type said so; 'candidate': request headers unseen, not yet recognised. */
  status: 'grpc' | 'candidate';
  start: number;
  requestFields: HeaderField[] | null;
  responseFields: HeaderField[] | null;
  trailerFields: HeaderField[] | null;
  trailersOnly: boolean;
  /** The request header block was seen but could not be decoded (HPACK state lost). */
  requestHeadersLost: boolean;
  /** The block that ended the response (Trailers or Trailers-Only) could not be decoded: status unknown. */
  statusLost: boolean;
  /**
   * With statusLost, when that block was whole but needed HPACK entries from before a loss: which ones
   * (stable ids, sorted, the evidence for a guess) and whether they predate the capture.
   */
  statusLostEntries: HpackUnknown | null;
  request: SideState;
  response: SideState;
  firstResponseTime: number | null;
  reset: { by: Role; errorCode: string; time: number } | null;
  /** GOAWAY that refused this stream: its time. */
  refusedAt: number | null;
  path: string | null;
  method: MethodInfo | null;
  /** The reflected schema that resolved `method` (ReflectedSchema), when no user schema had it. */
  reflectedSchema: GrpcSchema | null;
  requestContentType: GrpcContentType | null;
  responseContentType: GrpcContentType | null;
  deadlineMs: number | null;
  /** Custom-Metadata per header block, decoded when the block arrived. */
  metadata: { request: MetadataEntry[]; response: MetadataEntry[]; trailers: MetadataEntry[] };
  guesses: CallGuess[];
  /** Diagnostics held back while the stream is only a candidate. */
  held: Diagnostic[];
}

export function newSide(reader: GrpcMessageReader): SideState {
  return {
    reader,
    body: null,
    text: null,
    count: 0,
    messages: [],
    deferred: [],
    framingOk: true,
    ended: null,
  };
}

export function newCallState(
  where: DiagnosticWhere,
  stream: number,
  start: number,
  status: CallState['status'],
  requestReader: GrpcMessageReader,
  responseReader: GrpcMessageReader,
): CallState {
  return {
    stream,
    where,
    status,
    start,
    requestFields: null,
    responseFields: null,
    trailerFields: null,
    trailersOnly: false,
    requestHeadersLost: false,
    statusLost: false,
    statusLostEntries: null,
    request: newSide(requestReader),
    response: newSide(responseReader),
    firstResponseTime: null,
    reset: null,
    refusedAt: null,
    path: null,
    method: null,
    reflectedSchema: null,
    requestContentType: null,
    responseContentType: null,
    deadlineMs: null,
    metadata: { request: [], response: [], trailers: [] },
    guesses: [],
    held: [],
  };
}

/** Appends to a capped body preview. */
export function addBody(side: SideState, data: Buffer, max: number): void {
  side.body ??= { length: 0, chunks: [], kept: 0 };
  const b = side.body;
  b.length += data.length;
  const room = max - b.kept;
  if (room > 0 && data.length > 0) {
    const part = data.subarray(0, room);
    b.chunks.push(Buffer.from(part));
    b.kept += part.length;
  }
}

/** Tracker options with defaults applied (see GrpcCallTrackerOptions in call-tracker.ts). */
export interface TrackerConfig {
  connection: string;
  schema: GrpcSchema | null;
  /** The capture's schema from server reflection (grows as reflection responses complete); null: off. */
  reflection: ReflectedSchema | null;
  maxMessageBytes: number;
  maxMessagesPerCall: number;
  maxDecodeBytes: number;
  hexPreviewBytes: number;
  bodyPreviewBytes: number;
  payload: PayloadMode;
  /** The server port when it was given as --decode-as PORT=grpc: every stream is a call. Else null. */
  decodeAsPort: number | null;
  /** Bytes inflated over the capture (see DecompressionBudget). */
  budget: DecompressionBudget;
  /** Calls open at once on the connection. */
  maxOpenCalls: number;
}
