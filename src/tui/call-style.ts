/**
 * How a call's status and outcome look. gRPC status codes by class (grpc/doc/statuscodes.md): OK;
 * errors the client caused or must fix (bad arguments, not found, auth) in yellow; errors of the server
 * or the transport (UNAVAILABLE, INTERNAL, DEADLINE_EXCEEDED, ...) in red.
 */
import type { CallSummary } from '../records/records.js';
import type { Role } from './theme.js';

/** CANCELLED, INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS, PERMISSION_DENIED, FAILED_PRECONDITION, OUT_OF_RANGE, UNAUTHENTICATED. */
const CLIENT_SIDE = new Set([1, 3, 5, 6, 7, 9, 11, 16]);

export function statusRole(status: number | null): Role {
  if (status === null) return 'dim';
  if (status === 0) return 'ok';
  return CLIENT_SIDE.has(status) ? 'warning' : 'error';
}

export function outcomeRole(outcome: CallSummary['outcome']): Role {
  switch (outcome) {
    case 'ok':
      return 'ok';
    case 'incomplete':
      return 'dim';
    // Not a failure: the capture could not show the status (CallRecord.statusUnknown says why).
    case 'status-unknown':
      return 'warning';
    case 'error':
      return 'warning';
    default:
      return 'error';
  }
}

export function statusText(c: CallSummary): string {
  // A guess is marked as one, never shown as a status (its basis is on the call's detail screen).
  const guess = c.statusUnknown?.guess;
  if (guess) return `${guess.statusName}? (guess)`;
  if (c.status === null) return c.httpStatus !== null && c.httpStatus !== 200 ? `HTTP ${c.httpStatus}` : '-';
  return `${c.status} ${c.statusName ?? ''}`.trim();
}

/** "/pkg.Service/Method" or, for streams whose request headers were not seen, "? (guessed)". */
export function methodText(c: CallSummary): string {
  const m = c.method ?? '?';
  return c.guessed ? `${m} (guessed)` : m;
}
