/**
 * The status of a finished call and its outcome. Order of the rules (PROTOCOL-HTTP2.md "Responses",
 * "Errors", "GOAWAY Frame", "Client Cancellation"; doc/http-grpc-status-mapping.md):
 *  1. a non-200 :status or a non-gRPC response content-type → 'http-error' (grpc-status if sent, else mapped);
 *  2. the response ended (server END_STREAM): grpc-status 0 → 'ok', other → 'error'; no grpc-status → UNKNOWN,
 *     unless the block that ended it could not be decoded (HPACK state lost) → 'status-unknown' (no status);
 *  3. stream above a GOAWAY's last-stream-id → 'refused' (UNAVAILABLE);
 *  4. deadline (grpc-timeout) passed before the response ended → 'deadline-exceeded';
 *  5. RST_STREAM → 'reset' (code mapped from the error code table);
 *  6. connection closed → 'connection-closed' (UNAVAILABLE); capture ended → 'incomplete' (no status).
 */
import { diag } from '../diagnostics/make.js';
import { GRPC_DIAGNOSTICS } from '../diagnostics/grpc.js';
import type { Diagnostic, DiagnosticWhere } from '../diagnostics/types.js';
import type { HeaderField } from '../h2/types.js';
import type { CallOutcome, StatusSource } from '../records/call.js';
import type { CallState } from './call-state.js';
import { headerRaw, headerValue } from './metadata.js';
import { decodeGrpcMessage } from './percent.js';
import { decodeStatusDetailsHeader, type RpcStatus } from './rpc-status.js';
import type { GrpcSchema } from './schema.js';
import {
  GrpcStatus,
  grpcStatusName,
  httpStatusToGrpcStatus,
  parseGrpcStatus,
  rstStreamToGrpcStatus,
} from './status.js';

export type EndCause = 'response-end' | 'reset' | 'refused' | 'capture-end' | 'connection-closed';

export interface CallStatus {
  outcome: CallOutcome;
  status: number | null;
  statusSource: StatusSource | null;
  message: string | null;
  statusDetails: RpcStatus | null;
  httpStatus: number | null;
}

interface Ctx {
  state: CallState;
  cause: EndCause;
  end: number;
  schema: GrpcSchema | null;
  where: DiagnosticWhere;
  method: string;
  out: Diagnostic[];
}

export function callStatus(
  state: CallState,
  cause: EndCause,
  end: number,
  schema: GrpcSchema | null,
  where: DiagnosticWhere,
  out: Diagnostic[],
): CallStatus {
  const ctx: Ctx = { state, cause, end, schema, where, method: state.path ?? '(unknown method)', out };
  const trailers = state.trailerFields;
  const base: CallStatus = {
    outcome: 'incomplete',
    status: null,
    statusSource: null,
    message: null,
    statusDetails: null,
    httpStatus: httpStatusOf(state),
  };
  // The steps below fill in `base` (one object per call, no spread copies).
  if (trailers !== null) trailerStatus(ctx, trailers, base);
  if (isHttpError(state, base.httpStatus)) return httpError(ctx, base);
  if (cause === 'response-end' || trailers !== null) return responseEnded(ctx, base);
  return abnormalEnd(ctx, base);
}

function httpStatusOf(state: CallState): number | null {
  const fields = state.responseFields ?? state.trailerFields;
  const v = fields === null ? undefined : headerValue(fields, ':status');
  if (v === undefined || !/^[0-9]{3}$/.test(v)) return null;
  return Number(v);
}

function isHttpError(state: CallState, httpStatus: number | null): boolean {
  const ct = state.responseContentType;
  return (httpStatus !== null && httpStatus !== 200) || (ct !== null && ct.family === null);
}

/** grpc-status, grpc-message and grpc-status-details-bin from Trailers (or Trailers-Only), into `out`. */
function trailerStatus(ctx: Ctx, trailers: HeaderField[], out: CallStatus): void {
  const rawStatus = headerValue(trailers, 'grpc-status');
  if (rawStatus !== undefined) {
    const status = parseGrpcStatus(rawStatus);
    if (status === null)
      ctx.out.push(diag(GRPC_DIAGNOSTICS, 'grpc.bad-status', { value: rawStatus }, ctx.where));
    else {
      out.status = status;
      out.statusSource = 'trailers';
    }
  }
  const msg = headerRaw(trailers, 'grpc-message');
  if (msg !== undefined) out.message = decodeGrpcMessage(msg);
  const details = headerRaw(trailers, 'grpc-status-details-bin');
  if (details !== undefined) out.statusDetails = statusDetails(ctx, details, out.status);
}

function statusDetails(ctx: Ctx, raw: Buffer, status: number | null): RpcStatus | null {
  const schema = ctx.schema;
  const lookupType = schema === null ? undefined : (name: string) => schema.lookupType(name);
  const r = decodeStatusDetailsHeader(raw, { where: ctx.where, lookupType });
  if (r.diagnostic !== null) ctx.out.push(r.diagnostic);
  if (r.status !== null && status !== null && r.status.code !== status) {
    const params = { detailsCode: r.status.code, status };
    ctx.out.push(diag(GRPC_DIAGNOSTICS, 'grpc.status-details-mismatch', params, ctx.where));
  }
  return r.status;
}

function httpError(ctx: Ctx, base: CallStatus): CallStatus {
  const r = base;
  r.outcome = 'http-error';
  if (r.status === null && r.httpStatus !== null) {
    r.status = httpStatusToGrpcStatus(r.httpStatus);
    r.statusSource = 'http-status';
  } else if (r.status === null) {
    r.status = GrpcStatus.UNKNOWN;
    r.statusSource = 'http-status';
  }
  const params = {
    method: ctx.method,
    httpStatus: r.httpStatus ?? 'absent',
    contentType: ctx.state.responseContentType?.mediaType || 'absent',
    statusName: grpcStatusName(r.status),
  };
  ctx.out.push(diag(GRPC_DIAGNOSTICS, 'grpc.http-error', params, ctx.where));
  return r;
}

function responseEnded(ctx: Ctx, base: CallStatus): CallStatus {
  if (base.status !== null) return set(base, base.status === GrpcStatus.OK ? 'ok' : 'error');
  // Not a peer that forgot grpc-status: we could not read it (grpc.headers-undecoded says why).
  if (ctx.state.statusLost) return set(base, 'status-unknown');
  // "Implementations must synthesize a Status": with :status 200 (or none) that is UNKNOWN.
  const status = httpStatusToGrpcStatus(base.httpStatus ?? 200);
  const params = { status, statusName: grpcStatusName(status), httpStatus: base.httpStatus ?? 'absent' };
  ctx.out.push(diag(GRPC_DIAGNOSTICS, 'grpc.missing-status', params, ctx.where));
  return set(base, 'error', status, 'http-status');
}

function abnormalEnd(ctx: Ctx, base: CallStatus): CallStatus {
  const { state, cause, end } = ctx;
  if (cause === 'refused') return set(base, 'refused', GrpcStatus.UNAVAILABLE, 'goaway');
  // The outcome says it; analysis.deadline.exceeded explains who gave up and how it compares.
  if (state.deadlineMs !== null && (end - state.start) * 1000 >= state.deadlineMs)
    return set(base, 'deadline-exceeded', GrpcStatus.DEADLINE_EXCEEDED, 'deadline');
  if (cause === 'reset' && state.reset !== null) {
    const status = rstStreamToGrpcStatus(state.reset.errorCode, state.reset.by);
    return set(base, 'reset', status, status === null ? null : 'rst-stream');
  }
  if (cause === 'connection-closed')
    return set(base, 'connection-closed', GrpcStatus.UNAVAILABLE, 'connection');
  return set(base, 'incomplete');
}

/** Sets the outcome (and, when given, status and its source) of `r` and returns it. */
function set(
  r: CallStatus,
  outcome: CallOutcome,
  status: number | null = r.status,
  statusSource: StatusSource | null = r.statusSource,
): CallStatus {
  r.outcome = outcome;
  r.status = status;
  r.statusSource = statusSource;
  return r;
}
