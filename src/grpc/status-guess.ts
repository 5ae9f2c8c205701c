/**
 * A marked guess for calls whose status could not be decoded (outcome 'status-unknown'), per connection.
 * docs/grpc.md ("Status unknown, and guesses") explains it for users.
 *
 * When a capture joins a channel late, the server's trailers of a successful call are typically references
 * to HPACK entries made before the capture (`grpc-status: 0`, `grpc-message: ''`): the same entries on every
 * such call, since an encoder indexes a field once and refers to it ever after (RFC 7541 §2.3.2). An error
 * status, by contrast, is usually new: its value goes out as a literal under the borrowed name of the old
 * entry (`<unknown>: 5`). The rules:
 *
 * - evidence: a call the server ended normally (END_STREAM on trailers) after at least one response message,
 *   not Trailers-Only, whose trailers referred as whole fields only to entries from before the capture;
 * - once MIN_AGREEING evidence calls referred to exactly the same entries (and none to others), each such
 *   call is guessed OK;
 * - a status-unknown call whose trailers carry a literal status code (0-16) under a name borrowed from one of
 *   those entries is guessed that status: the entry is the one that holds grpc-status;
 * - calls wait (in order) while the first evidence comes in: from the first status-unknown call until the
 *   guess is settled, at most MAX_HELD calls; a call whose whole-field entries differ ends guessing on the
 *   connection (nothing is overwhelmingly likely then), and held calls go out unguessed when the cap or the
 *   connection's end comes first.
 */
import type { HpackUnknown } from '../h2/types.js';
import type { CallRecord, GrpcEvent } from '../records/call.js';
import type { CallState } from './call-state.js';
import { GrpcStatus, grpcStatusName } from './status.js';

/** Evidence calls with the same unknown trailer entries before any call is guessed. */
export const MIN_AGREEING = 3;
/** Calls held while the evidence comes in; past it they go out unguessed. */
export const MAX_HELD = 32;

interface Held {
  events: GrpcEvent[];
  record: CallRecord | null;
  unknown: HpackUnknown | null;
  signature: string | null;
}

export class StatusGuesser {
  /** The whole-field entries every evidence call referred to ("3, 4"), once seen. */
  private signature: string | null = null;
  private entries: ReadonlySet<number> = new Set();
  private agreeing = 0;
  private conflict = false;
  private decodedErrors = 0;
  private held: Held[] = [];

  /** The events of a finished call (diagnostics, then the call); returns what may go out now. */
  offer(state: CallState, events: GrpcEvent[]): GrpcEvent[] {
    const last = events.at(-1);
    const record = last?.kind === 'call' ? last.call : null;
    if (record?.statusSource === 'trailers' && record.status !== GrpcStatus.OK) this.decodedErrors++;
    const unknown = state.statusLostEntries;
    const signature = record === null ? null : evidenceOf(record, unknown);
    if (signature !== null && !this.conflict) {
      if (this.signature !== null && signature !== this.signature) this.conflict = true;
      else this.agree(signature, unknown!);
    }
    const item: Held = { events, record, unknown, signature };
    // Only a status hidden by entries from before the capture can be guessed, so only such a call waits.
    const waiting = record?.outcome === 'status-unknown' && unknown?.beforeCapture === true && !this.settled;
    if (this.held.length === 0 && !waiting) {
      this.mark(item);
      return events;
    }
    this.held.push(item);
    return this.settled || this.held.length >= MAX_HELD ? this.release() : [];
  }

  /** The connection ended: held calls go out, guessed if the evidence is in. */
  finish(): GrpcEvent[] {
    return this.release();
  }

  private get settled(): boolean {
    return this.conflict || this.agreeing >= MIN_AGREEING;
  }

  private agree(signature: string, unknown: HpackUnknown): void {
    this.signature = signature;
    this.entries = new Set(unknown.entries);
    this.agreeing++;
  }

  private release(): GrpcEvent[] {
    const out: GrpcEvent[] = [];
    for (const item of this.held) {
      this.mark(item);
      out.push(...item.events);
    }
    this.held = [];
    return out;
  }

  /** Adds the guess to a status-unknown call when the evidence is in. */
  private mark(item: Held): void {
    const guess = item.record?.statusUnknown;
    if (guess === undefined || this.conflict || this.agreeing < MIN_AGREEING) return;
    const errors =
      this.decodedErrors === 0
        ? ''
        : `; ${this.decodedErrors} other call(s) on this connection ended with a decoded error status`;
    const same =
      `the server ended ${this.agreeing} call(s) on this connection after response messages with trailers ` +
      `that referred to the same HPACK entries from before the capture (${this.signature})`;
    if (item.signature === this.signature) {
      guess.guess = { status: GrpcStatus.OK, statusName: 'OK', basis: `${same}${errors}` };
      return;
    }
    const status = borrowedStatus(item.unknown, this.entries);
    if (status === null) return;
    const basis =
      `its trailers carry the literal value ${status.value} under the name of entry ${status.entry}, one of ` +
      `those that ${same.replace('the server ended', 'end')}: that entry holds grpc-status, taken to be 0`;
    guess.guess = { status: status.code, statusName: grpcStatusName(status.code), basis };
  }
}

/** The unknown trailer entries of a call that is evidence for a guess of OK, as a key; null if it is not. */
function evidenceOf(record: CallRecord, unknown: HpackUnknown | null): string | null {
  if (record.outcome !== 'status-unknown' || unknown === null || !unknown.beforeCapture) return null;
  if (record.trailersOnly || record.responseCount === 0 || record.reset !== null) return null;
  if (unknown.entries.length === 0) return null;
  return [...new Set(unknown.entries)].sort((a, b) => a - b).join(', ');
}

/** A status code as a literal value under a name borrowed from one of `entries`, or null. */
function borrowedStatus(
  unknown: HpackUnknown | null,
  entries: ReadonlySet<number>,
): { code: number; value: string; entry: number } | null {
  if (unknown === null || !unknown.beforeCapture) return null;
  const found = unknown.names.filter((n) => entries.has(n.entry) && /^(?:[0-9]|1[0-6])$/.test(n.value));
  // Two candidates would be ambiguous: no guess.
  if (found.length !== 1) return null;
  const { entry, value } = found[0]!;
  return { code: Number(value), value, entry };
}
