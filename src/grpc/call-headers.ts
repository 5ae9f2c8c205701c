/**
 * Header blocks of a call (PROTOCOL-HTTP2.md): Request-Headers from the client; from the server
 * Response-Headers then Trailers, or a single Trailers-Only block (HEADERS with END_STREAM). 1xx blocks
 * are skipped ("1xx should have the entire header skipped and a subsequent header be read",
 * doc/http-grpc-status-mapping.md).
 */
import { diag } from '../diagnostics/make.js';
import { GRPC_DIAGNOSTICS } from '../diagnostics/grpc.js';
import type { Diagnostic } from '../diagnostics/types.js';
import type { HeaderField } from '../h2/types.js';
import type { CallState, TrackerConfig } from './call-state.js';
import { parseContentTypeAs } from './content-type.js';
import { appendMetadata, headerValue } from './metadata.js';
import { parseGrpcTimeout } from './timeout.js';

/** Applies decoded Request-Headers: path, method, deadline, content-type, metadata. */
export function applyRequestHeaders(
  config: TrackerConfig,
  state: CallState,
  fields: HeaderField[],
  out: Diagnostic[],
): void {
  const where = { connection: config.connection, stream: state.stream, time: state.start };
  state.requestFields = fields;
  const contentType = headerValue(fields, 'content-type');
  if (contentType !== undefined)
    state.requestContentType = parseContentTypeAs(contentType, config.decodeAsPort !== null);
  // Request-Headers come once per call, into the state's empty list.
  appendMetadata(fields, state.metadata.request, out, where);
  const path = headerValue(fields, ':path') ?? null;
  state.path = path;
  if (path !== null && !/^\/[^/]+\/[^/]+$/.test(path))
    out.push(diag(GRPC_DIAGNOSTICS, 'grpc.bad-path', { path }, where));
  if (path !== null && config.schema !== null) state.method = config.schema.resolveMethod(path);
  // The schema learned from reflection so far, for what --proto / --descriptor-set do not have.
  if (path !== null && state.method === null && config.reflection?.schema) {
    state.method = config.reflection.resolve(path);
    if (state.method !== null) state.reflectedSchema = config.reflection.schema;
  }
  if (path !== null && config.schema !== null && state.method === null)
    out.push(diag(GRPC_DIAGNOSTICS, 'grpc.method-not-in-schema', { method: path }, where));
  const timeout = headerValue(fields, 'grpc-timeout');
  if (timeout !== undefined) {
    const t = parseGrpcTimeout(timeout);
    state.deadlineMs = t.ms;
    if (t.ms === null)
      out.push(diag(GRPC_DIAGNOSTICS, 'grpc.bad-timeout', { value: timeout, reason: t.reason }, where));
  }
}

export type ServerBlock = 'informational' | 'response-headers' | 'trailers-only' | 'trailers';

/** Classifies and stores a server header block; `fields` null when the block could not be decoded. */
export function applyServerBlock(
  config: TrackerConfig,
  state: CallState,
  fields: HeaderField[] | null,
  endStream: boolean,
  time: number,
  out: Diagnostic[],
): ServerBlock {
  const status = fields === null ? undefined : headerValue(fields, ':status');
  if (status !== undefined && /^1[0-9][0-9]$/.test(status) && !endStream) return 'informational';
  state.firstResponseTime ??= time;
  const first = state.responseFields === null && state.trailerFields === null;
  // A first block is Response-Headers (or Trailers-Only); in a mid-call capture a first block without
  // :status can only be Trailers.
  const kind: ServerBlock =
    !first || (fields !== null && status === undefined)
      ? 'trailers'
      : endStream
        ? 'trailers-only'
        : 'response-headers';
  const blockFields = fields ?? [];
  const where = { connection: config.connection, stream: state.stream, time };
  if (kind === 'response-headers') {
    // Only the first server block is Response-Headers: the state's list is still empty.
    appendMetadata(blockFields, state.metadata.response, out, where);
    state.responseFields = blockFields;
  } else {
    appendMetadata(blockFields, state.metadata.trailers, out, where);
    // Header blocks are never changed once decoded: the first trailer block is kept as it is.
    state.trailerFields =
      state.trailerFields === null ? blockFields : [...state.trailerFields, ...blockFields];
    state.trailersOnly = kind === 'trailers-only';
  }
  // An absent content-type proves nothing either way (lenient); a present non-gRPC one is an HTTP error.
  const contentType =
    kind === 'trailers' || fields === null ? undefined : headerValue(fields, 'content-type');
  if (contentType !== undefined)
    state.responseContentType = parseContentTypeAs(contentType, config.decodeAsPort !== null);
  return kind;
}
