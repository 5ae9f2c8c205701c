import type { Diagnostic } from '../diagnostics/types.js';
import { before, refOf, type Ref } from './capture-aggregate.js';
import type { ConnectionSummary } from './capture-facts.js';
import { churning, connectionPerCall } from './detect-churn.js';
import type { AnalysisOptions } from './options.js';

/** The slices a window is counted in: it slides by a twelfth of its length (as LiveImbalance's). */
const SLICES = 12;
/** Connections a window keeps for its evidence list and median life: the counts stay exact past it. */
const KEPT_PER_WINDOW = 1_000;
const KEPT_PER_SLICE = Math.ceil(KEPT_PER_WINDOW / SLICES);

interface Kept {
  id: string;
  start: number;
  end: number;
}

/** One pair's HTTP/2 connections that ended in one slice of capture time. */
interface Slice {
  start: number;
  h2: number;
  single: number;
  calls: number;
  first: Ref;
  lastEnd: number;
  kept: Kept[];
}

interface Pair {
  clientIp: string;
  server: string;
  slices: Slice[];
}

/**
 * Connection-per-call churn over a sliding window of capture time: the HTTP/2 connections from one client
 * host to one server endpoint that ended in the last `imbalanceWindowMs`, counted in slices. The since-start
 * counters (CaptureAggregate) are diluted by a long history: a pair that made a thousand long-lived
 * connections and then starts opening one per call would never reach the threshold, so once the capture has
 * lasted a whole window, each connection's end also judges the window that ends with it, by the same rule
 * (`churning`). A capture shorter than a window never gets here: its window is the whole capture, which the
 * since-start judgement already covers, so its answers are what they always were.
 * Memory: at most `captureMaxKeys` pairs of at most 13 slices each, each keeping at most 84 connections.
 */
export class LiveChurn {
  private readonly pairs = new Map<string, Pair>();
  private readonly sliceMs: number;

  constructor(private readonly opts: AnalysisOptions) {
    this.sliceMs = opts.imbalanceWindowMs / SLICES;
  }

  /** Counts an HTTP/2 connection that just ended; returns its pair's window, judged, when `judge` is set. */
  ended(c: ConnectionSummary, judge: boolean): Diagnostic | null {
    const key = `${c.clientIp} ${c.server}`;
    let pair = this.pairs.get(key);
    if (pair === undefined) {
      if (this.pairs.size >= this.opts.captureMaxKeys) this.forgetStale(c.end);
      if (this.pairs.size >= this.opts.captureMaxKeys) return null;
      pair = { clientIp: c.clientIp, server: c.server, slices: [] };
      this.pairs.set(key, pair);
    }
    const at = Math.floor((c.end * 1000) / this.sliceMs) * this.sliceMs;
    this.drop(pair, at);
    let slice = pair.slices.find((s) => s.start === at);
    if (slice === undefined) {
      slice = { start: at, h2: 0, single: 0, calls: 0, first: refOf(c), lastEnd: c.end, kept: [] };
      // Ends arrive in capture order but a connection ended by the end of the capture may be older.
      pair.slices.push(slice);
      pair.slices.sort((a, b) => a.start - b.start);
    }
    slice.h2++;
    if (c.calls <= 1) slice.single++;
    slice.calls += c.calls;
    const ref = refOf(c);
    if (before(ref, slice.first)) slice.first = ref;
    slice.lastEnd = Math.max(slice.lastEnd, c.end);
    if (slice.kept.length < KEPT_PER_SLICE) slice.kept.push({ id: c.id, start: c.start, end: c.end });
    return judge ? this.judge(pair, at + this.sliceMs) : null;
  }

  /** The pair's connections that ended in the window up to `endMs`, by the whole-capture rule. */
  private judge(pair: Pair, endMs: number): Diagnostic | null {
    const w = { h2: 0, single: 0, calls: 0, lastEnd: -Infinity };
    let first: Ref | null = null;
    for (const s of pair.slices) {
      w.h2 += s.h2;
      w.single += s.single;
      w.calls += s.calls;
      w.lastEnd = Math.max(w.lastEnd, s.lastEnd);
      if (first === null || before(s.first, first)) first = s.first;
    }
    if (first === null || !churning(w, this.opts)) return null;
    const kept = pair.slices.flatMap((s) => s.kept);
    kept.sort((a, b) => a.start - b.start || Number(a.id.slice(1)) - Number(b.id.slice(1)));
    const d = connectionPerCall({
      client: pair.clientIp,
      server: pair.server,
      counts: w,
      first,
      lastEnd: w.lastEnd,
      connections: kept,
    });
    d.evidence = {
      ...d.evidence,
      windowMs: this.opts.imbalanceWindowMs,
      windowEnd: endMs / 1000,
    };
    return d;
  }

  /** Slices that left the window ending with the slice at `at`. */
  private drop(pair: Pair, at: number): void {
    while (pair.slices.length > 0 && pair.slices[0]!.start <= at - this.opts.imbalanceWindowMs)
      pair.slices.shift();
  }

  /** Pairs with nothing left in the window at `time` (seconds). */
  private forgetStale(time: number): void {
    const at = Math.floor((time * 1000) / this.sliceMs) * this.sliceMs;
    for (const [key, pair] of this.pairs) {
      this.drop(pair, at);
      if (pair.slices.length === 0) this.pairs.delete(key);
    }
  }
}
