import type { CallOutcome, CallRecord, StatusSource } from '../records/call.js';
import type { Role } from '../records/records.js';

/**
 * What the connection detectors read of a gRPC call. The analysis keeps the calls of a connection until
 * it ends; keeping the whole CallRecord (messages, headers, metadata) kept every call's decoded payload
 * alive that long, to be promoted and marked by the garbage collector. This copy is a dozen numbers and
 * shared strings: on the 30 MB bench file 37 MB less promoted (153 instead of 190 MB), on the 300 MB file
 * the analysis layer's CPU went from 6.6 to 4.7 s.
 */
export interface CallFacts {
  stream: number;
  method: string | null;
  status: number | null;
  statusSource: StatusSource | null;
  outcome: CallOutcome;
  reset: { by: Role; errorCode: string } | null;
  start: number;
  end: number;
  durationMs: number;
  firstResponseMs: number | null;
  deadlineMs: number | null;
  responseCount: number;
}

export function callFacts(c: CallRecord): CallFacts {
  return {
    stream: c.stream,
    method: c.method,
    status: c.status,
    statusSource: c.statusSource,
    outcome: c.outcome,
    reset: c.reset,
    start: c.start,
    end: c.end,
    durationMs: c.durationMs,
    firstResponseMs: c.firstResponseMs,
    deadlineMs: c.deadlineMs,
    responseCount: c.responseCount,
  };
}
