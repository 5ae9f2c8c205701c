/**
 * A marked guess for calls whose status could not be decoded (outcome 'status-unknown'), per connection.
 *
 * When a capture joins a channel late, the server's trailers of a successful call are typically nothing but
 * references to HPACK entries made before the capture (`grpc-status: 0`, `grpc-message`, ...): the same
 * entries on every such call, since an encoder indexes a field once and refers to it ever after (RFC 7541
 * §2.3.2). One value is then overwhelmingly likely, and it is shown as a guess, never as a status:
 *
 * - a call is evidence when the server ended it normally (END_STREAM on trailers), it got at least one
 *   response message, its response was not Trailers-Only (the usual shape of an error), and its trailers
 *   needed only entries from before the capture;
 * - the guess is OK, with its basis, once MIN_AGREEING such calls referred to exactly the same unknown
 *   entries; calls that ended with a decoded non-OK grpc-status show where errors went (literals, or new
 *   entries), and are named in the basis;
 * - the first calls are held back (at most MIN_AGREEING - 1 of them) until the evidence is in, then emitted
 *   in order; a call whose unknown trailer entries differ ends guessing on the connection, and the held
 *   calls go out unguessed, as they do when the connection ends first.
 */
import type { CallRecord, GrpcEvent } from '../records/call.js';
import type { CallState } from './call-state.js';
import { GrpcStatus } from './status.js';

/** Calls with the same unknown trailer entries before any is guessed. */
export const MIN_AGREEING = 3;

export class StatusGuesser {
  private signature: string | null = null;
  private agreeing = 0;
  private conflict = false;
  private decodedErrors = 0;
  private held: GrpcEvent[] = [];

  /** The events of a finished call (diagnostics, then the call); returns what may go out now. */
  offer(state: CallState, events: GrpcEvent[]): GrpcEvent[] {
    const call = events.at(-1);
    if (call?.kind !== 'call') return this.pass(events);
    const record = call.call;
    if (record.statusSource === 'trailers' && record.status !== null && record.status !== GrpcStatus.OK)
      this.decodedErrors++;
    const signature = evidenceOf(state, record);
    if (signature === null || this.conflict) return this.pass(events);
    if (this.signature !== null && signature !== this.signature) {
      // Two different sets of unknown trailer entries: nothing is overwhelmingly likely any more.
      this.conflict = true;
      return [...this.release(), ...events];
    }
    this.signature = signature;
    this.agreeing++;
    if (this.agreeing < MIN_AGREEING) {
      this.held.push(...events);
      return [];
    }
    const out = [...this.release(), ...events];
    for (const e of out) if (e.kind === 'call' && e.call.statusUnknown) this.mark(e.call);
    return out;
  }

  /** The connection ended: held calls go out as they are. */
  finish(): GrpcEvent[] {
    return this.release();
  }

  private pass(events: GrpcEvent[]): GrpcEvent[] {
    // Held calls keep their place in the order calls ended.
    return this.held.length === 0 ? events : [...this.release(), ...events];
  }

  private release(): GrpcEvent[] {
    const out = this.held;
    this.held = [];
    return out;
  }

  private mark(record: CallRecord): void {
    const errors =
      this.decodedErrors === 0
        ? ''
        : `; ${this.decodedErrors} call(s) on this connection ended with a decoded error grpc-status, so ` +
          'errors reached the wire as fields that could be read';
    const basis =
      `the server ended ${this.agreeing} call(s) on this connection so far after response messages, with ` +
      `trailers whose undecodable fields were the same HPACK entries from before the capture ` +
      `(entries ${this.signature}, counted from the newest)${errors}`;
    record.statusUnknown!.guess = { status: GrpcStatus.OK, statusName: 'OK', basis };
  }
}

/** The unknown trailer entries of a call that is evidence for a guess, as a key; null if it is not. */
function evidenceOf(state: CallState, record: CallRecord): string | null {
  const unknown = state.statusLostEntries;
  if (record.outcome !== 'status-unknown' || unknown === null || !unknown.beforeCapture) return null;
  if (record.trailersOnly || record.responseCount === 0 || record.reset !== null) return null;
  if (unknown.entries.length === 0) return null;
  return [...new Set(unknown.entries)].sort((a, b) => a - b).join(', ');
}
