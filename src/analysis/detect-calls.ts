import { ANALYSIS_DIAGNOSTICS } from '../diagnostics/analysis.js';
import { diag } from '../diagnostics/make.js';
import type { Diagnostic } from '../diagnostics/types.js';
import type { CallFacts } from './call-facts.js';
import type { CallContext } from './call-ledger.js';
import type { ConnectionFacts } from './connection-facts.js';
import { median, msBetween, roundMs } from './format.js';

/** gRPC status code 4 (doc/statuscodes.md). */
const DEADLINE_EXCEEDED = 4;

function method(c: CallFacts): string {
  return c.method ?? '(unknown method)';
}

function clientCancel(c: CallFacts): boolean {
  return c.reset?.by === 'client' && c.reset.errorCode === 'CANCEL';
}

/** What the call detectors read: the calls kept, and the connection's streams. */
type CallFactsOf = CallContext & Pick<ConnectionFacts, 'streams'>;

/** When the stream was reset (the stream table knows; the call record only says by whom). */
function resetTime(facts: CallFactsOf, c: CallFacts): number {
  return facts.streams.get(c.stream)?.reset?.time ?? c.end;
}

/**
 * Calls that ended DEADLINE_EXCEEDED (gRPC PROTOCOL-HTTP2.md "Timeouts"): who gave up, when, and how
 * that compares with the successful calls to the same method on this connection.
 */
export function detectDeadlineExceeded(facts: CallFactsOf): Diagnostic[] {
  return facts.calls
    .filter((c) => c.status === DEADLINE_EXCEEDED)
    .map((c) => {
      const params = {
        method: method(c),
        stream: c.stream,
        deadline: c.deadlineMs === null ? 'not sent' : `${c.deadlineMs} ms`,
        deadlineMs: c.deadlineMs,
        how: howItEnded(facts, c),
        reference: reference(facts, c),
        durationMs: c.durationMs,
      };
      return diag(ANALYSIS_DIAGNOSTICS, 'analysis.deadline.exceeded', params, {
        connection: facts.id,
        stream: c.stream,
        time: c.end,
      });
    });
}

function howItEnded(facts: CallFactsOf, c: CallFacts): string {
  const responded =
    c.firstResponseMs === null ? 'before any response' : `${c.firstResponseMs} ms after the first response`;
  if (clientCancel(c))
    return `the client cancelled it with RST_STREAM CANCEL ${msBetween(c.start, resetTime(facts, c))} ms after it started, ${responded}`;
  if (c.statusSource === 'trailers' && c.deadlineMs === null)
    return `the server answered DEADLINE_EXCEEDED after ${c.durationMs} ms although the client set no deadline: a deadline inside the server (on a call it made to a backend) ran out`;
  if (c.statusSource === 'trailers')
    return `the server answered DEADLINE_EXCEEDED after ${c.durationMs} ms (the deadline passed on the server, or on a call it made to a backend)`;
  return `the call was still unanswered when the deadline passed (it ended ${c.durationMs} ms after it started)`;
}

function reference(facts: CallFactsOf, c: CallFacts): string {
  const ok = facts.okDurations(c.method);
  const m = median(ok);
  if (m === null) return 'no successful call to the same method on this connection to compare with';
  return `successful calls to it took ${roundMs(m)} ms here (median of ${ok.length})`;
}

/** The server kept sending after the deadline had passed: the handler ignores its deadline. */
export function detectDeadlineOverrun(facts: CallFactsOf): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const c of facts.calls) {
    if (c.deadlineMs === null) continue;
    const last = facts.streams.lastSentBy(c.stream, 'server');
    if (last === null) continue;
    const deadlineEnd = c.start + c.deadlineMs / 1000;
    const slackMs = facts.opts.deadlineSlackMs + c.deadlineMs * 0.1;
    const overrunMs = msBetween(deadlineEnd, last);
    if (overrunMs <= slackMs) continue;
    const clientNote = clientCancel(c)
      ? `, ${msBetween(resetTime(facts, c), last)} ms after the client cancelled it`
      : '';
    const params = { stream: c.stream, method: method(c), overrunMs, deadlineMs: c.deadlineMs, clientNote };
    out.push(
      diag(ANALYSIS_DIAGNOSTICS, 'analysis.deadline.overrun', params, {
        connection: facts.id,
        stream: c.stream,
        time: last,
      }),
    );
  }
  return out;
}

/** RST_STREAM CANCEL from the client on a call whose deadline had not passed: the application cancelled. */
export function detectClientCancel(facts: CallFactsOf): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const c of facts.calls) {
    if (!clientCancel(c) || c.status === DEADLINE_EXCEEDED) continue;
    const at = resetTime(facts, c);
    const afterMs = msBetween(c.start, at);
    const deadlineNote =
      c.deadlineMs === null
        ? 'it had no deadline'
        : `${roundMs(c.deadlineMs - afterMs)} ms before its deadline`;
    const params = { method: method(c), stream: c.stream, afterMs, deadlineNote, responses: c.responseCount };
    out.push(
      diag(ANALYSIS_DIAGNOSTICS, 'analysis.cancel.client', params, {
        connection: facts.id,
        stream: c.stream,
        time: at,
      }),
    );
  }
  return out;
}
