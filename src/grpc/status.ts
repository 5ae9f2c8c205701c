/**
 * gRPC status codes (grpc/grpc doc/statuscodes.md) and the mappings a client applies when a response has
 * no grpc-status: HTTP status → gRPC code (doc/http-grpc-status-mapping.md) and RST_STREAM error code →
 * gRPC code (PROTOCOL-HTTP2.md "Errors").
 */
import type { Role } from '../records/records.js';

/** Canonical names, indexed by code 0..16. */
export const GRPC_STATUS_NAMES = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
] as const;

export type GrpcStatusName = (typeof GRPC_STATUS_NAMES)[number];

export const GrpcStatus = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const satisfies Record<GrpcStatusName, number>;

/** Name of a status code; codes outside 0..16 are shown as `CODE_<n>` rather than guessed. */
export function grpcStatusName(code: number): string {
  return GRPC_STATUS_NAMES[code] ?? `CODE_${code}`;
}

/**
 * Parses grpc-status ("grpc-status" 1*DIGIT, "without any leading zeros"). Leading zeros are accepted
 * (lenient); anything that is not digits is null.
 */
export function parseGrpcStatus(value: string): number | null {
  // One digit (0..9, most statuses): no trim and no regex.
  if (value.length === 1) {
    const d = value.charCodeAt(0) - 0x30;
    if (d >= 0 && d <= 9) return d;
  }
  const v = value.trim();
  if (!/^[0-9]{1,10}$/.test(v)) return null;
  return Number(v);
}

// doc/http-grpc-status-mapping.md; "All other codes" → UNKNOWN (200 included: a real OK has grpc-status).
const HTTP_TO_GRPC: Record<number, number> = {
  400: GrpcStatus.INTERNAL,
  401: GrpcStatus.UNAUTHENTICATED,
  403: GrpcStatus.PERMISSION_DENIED,
  404: GrpcStatus.UNIMPLEMENTED,
  429: GrpcStatus.UNAVAILABLE,
  431: GrpcStatus.INTERNAL,
  502: GrpcStatus.UNAVAILABLE,
  503: GrpcStatus.UNAVAILABLE,
  504: GrpcStatus.UNAVAILABLE,
};

/** The gRPC code a client synthesizes for a response without grpc-status. */
export function httpStatusToGrpcStatus(httpStatus: number): number {
  return HTTP_TO_GRPC[httpStatus] ?? GrpcStatus.UNKNOWN;
}

/**
 * The gRPC code implied by RST_STREAM (PROTOCOL-HTTP2.md "Errors" table). STREAM_CLOSED has no mapping;
 * CANCEL from the client is the client's own cancellation, still CANCELLED to the application.
 */
export function rstStreamToGrpcStatus(errorCode: string, _from: Role): number | null {
  switch (errorCode) {
    case 'STREAM_CLOSED':
      return null;
    case 'REFUSED_STREAM':
      return GrpcStatus.UNAVAILABLE;
    case 'CANCEL':
      return GrpcStatus.CANCELLED;
    case 'ENHANCE_YOUR_CALM':
      return GrpcStatus.RESOURCE_EXHAUSTED;
    case 'INADEQUATE_SECURITY':
      return GrpcStatus.PERMISSION_DENIED;
    default:
      return GrpcStatus.INTERNAL;
  }
}
