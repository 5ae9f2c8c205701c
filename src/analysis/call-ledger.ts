import type { CallFacts } from './call-facts.js';
import type { AnalysisOptions } from './options.js';

/** gRPC status code 4 (doc/statuscodes.md). */
const DEADLINE_EXCEEDED = 4;
/** Successful durations kept per method for the median the deadline diagnostics compare with. */
const MAX_DURATIONS = 10_000;
/** Methods whose successful durations are kept (a connection's methods are a handful in practice). */
const MAX_METHODS = 1_000;

/** What the call detectors read of the calls (src/analysis/detect-calls.ts). */
export interface CallContext {
  id: string;
  opts: AnalysisOptions;
  /** The calls the detectors may flag (deadline set or exceeded, cancelled by the client), oldest first. */
  calls: CallFacts[];
  /** Durations of the successful calls to `method` so far (at most 10,000). */
  okDurations(method: string | null): readonly number[];
}

/**
 * The gRPC calls of one connection, as the call detectors need them, in bounded memory: a connection that
 * lives for a day carries tens of thousands of calls, and keeping each until the end grew without limit.
 * Only calls a detector may flag are kept (a deadline, DEADLINE_EXCEEDED, a client RST_STREAM CANCEL), and
 * at most `maxPendingCalls` of them: the oldest then leaves, to be judged at once (its stream ended long
 * before). Successful durations are kept per method for the comparison median.
 */
export class CallLedger {
  readonly pending: CallFacts[] = [];
  /**
   * Streams of calls that were reset (the stream detectors leave them to the gRPC layer), the latest
   * `maxResets`: older streams have been forgotten by the stream table as well.
   */
  readonly resetStreams = new Set<number>();
  private durations: Map<string | null, number[]> | null = null;

  constructor(
    private readonly cap: number,
    private readonly maxResets: number,
  ) {}

  /** Notes a call; returns the call that left the window to be judged now, if any. */
  add(c: CallFacts): CallFacts | null {
    if (c.outcome === 'ok') this.noteDuration(c.method, c.durationMs);
    if (c.reset !== null) {
      this.resetStreams.add(c.stream);
      if (this.resetStreams.size > this.maxResets)
        this.resetStreams.delete(this.resetStreams.values().next().value as number);
    }
    if (!flaggable(c)) return null;
    this.pending.push(c);
    return this.pending.length > this.cap ? this.pending.shift()! : null;
  }

  okDurations(method: string | null): readonly number[] {
    return this.durations?.get(method) ?? NONE;
  }

  private noteDuration(method: string | null, ms: number): void {
    const all = (this.durations ??= new Map());
    let list = all.get(method);
    if (list === undefined) {
      if (all.size >= MAX_METHODS) return;
      all.set(method, (list = []));
    }
    if (list.length < MAX_DURATIONS) list.push(ms);
  }
}

const NONE: readonly number[] = [];

function flaggable(c: CallFacts): boolean {
  return (
    c.deadlineMs !== null ||
    c.status === DEADLINE_EXCEEDED ||
    (c.reset?.by === 'client' && c.reset.errorCode === 'CANCEL')
  );
}
