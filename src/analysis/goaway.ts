import type { FrameRecord, GoawayRecord } from '../records/records.js';
import { isActive, peerOf, stateOf, type StreamTable } from './stream-states.js';

/** RFC 9113 §6.8: a GOAWAY with the largest stream id (2^31-1) announces a shutdown without refusing anything. */
const MAX_STREAM_ID = 0x7fffffff;

interface Pending extends GoawayRecord {
  /** Streams in flight when it was sent (outcomes are filled at the end). */
  inFlightIds: number[];
}

/** The list of a tracker that saw none: shared and frozen (only replaced, never pushed to). */
const NO_GOAWAYS = Object.freeze([]) as unknown as Pending[];

/**
 * GOAWAY frames and what they did (RFC 9113 §6.8): streams the receiver had opened above last-stream-id
 * were refused (never processed, safe to retry); streams at or below it that were still open were allowed
 * to finish. A graceful server first sends last-stream-id 2^31-1, then the real one a round trip later.
 */
export class GoawayTracker {
  /** Made at the first GOAWAY (most connections never see one). */
  private list: Pending[] = NO_GOAWAYS;

  onGoaway(f: FrameRecord, streams: StreamTable): void {
    const last = f.lastStreamId ?? 0;
    const receiver = peerOf(f.from);
    const inFlightIds: number[] = [];
    for (const e of streams.all()) {
      if (e.initiator === receiver && e.id <= last && isActive(stateOf(e))) inFlightIds.push(e.id);
    }
    if (this.list === NO_GOAWAYS) this.list = [];
    this.list.push({
      from: f.from,
      time: f.time,
      frame: f.index,
      lastStreamId: last,
      errorCode: f.errorCode ?? 'UNKNOWN',
      errorCodeValue: f.errorCodeValue ?? -1,
      debugData: f.debugData ?? '',
      refused: [],
      inFlight: [],
      phase: this.phase(f, last),
      inFlightIds: inFlightIds.sort((a, b) => a - b),
    });
  }

  get count(): number {
    return this.list.length;
  }

  /** The GOAWAYs, with refused streams marked in `streams` and in-flight outcomes known. */
  finish(streams: StreamTable): GoawayRecord[] {
    for (const g of this.list) {
      g.refused = this.refusedBy(g, streams);
      for (const id of g.refused) streams.refuseByGoaway(id, g.from, g.time, g.frame);
      g.inFlight = g.inFlightIds.map((id) => ({ stream: id, outcome: outcomeOf(streams, id) }));
    }
    return this.list.map(({ inFlightIds: _ids, ...rec }) => rec);
  }

  /**
   * The GOAWAYs as they stand while the connection is open (a snapshot): refused streams and in-flight
   * outcomes so far, nothing marked (an in-flight stream still open reads "unfinished").
   */
  current(streams: StreamTable): GoawayRecord[] {
    return this.list.map(({ inFlightIds, ...rec }) => ({
      ...rec,
      refused: this.refusedBy(rec, streams),
      inFlight: inFlightIds.map((id) => ({ stream: id, outcome: outcomeOf(streams, id) })),
    }));
  }

  /** Streams the GOAWAY's receiver opened above its last-stream-id, ascending. */
  private refusedBy(g: GoawayRecord, streams: StreamTable): number[] {
    const receiver = peerOf(g.from);
    const refused: number[] = [];
    for (const e of streams.all()) {
      if (e.initiator !== receiver || e.id <= g.lastStreamId || e.opened === null) continue;
      refused.push(e.id);
    }
    return refused.sort((a, b) => a - b);
  }

  private phase(f: FrameRecord, last: number): GoawayRecord['phase'] {
    let prev: Pending | undefined;
    for (let i = this.list.length - 1; i >= 0 && prev === undefined; i--) {
      if (this.list[i]!.from === f.from) prev = this.list[i];
    }
    const code = f.errorCode ?? 'UNKNOWN';
    if (prev !== undefined && prev.lastStreamId === last && prev.errorCode === code) {
      if (prev.debugData === (f.debugData ?? '')) return 'repeat';
    }
    if (last === MAX_STREAM_ID && code === 'NO_ERROR') return 'notice';
    if (prev?.phase === 'notice' && last < prev.lastStreamId) return 'final';
    return null;
  }
}

function outcomeOf(streams: StreamTable, id: number): 'completed' | 'reset' | 'unfinished' {
  const e = streams.get(id);
  if (e === undefined) return 'completed'; // forgotten past the cap: only closed streams are
  if (e.reset !== null) return 'reset';
  return e.ended.client && e.ended.server ? 'completed' : 'unfinished';
}
