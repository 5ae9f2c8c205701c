import type { Diagnostic } from '../diagnostics/types.js';
import { connectionBurst, reconnects, stormOf, type BurstMember } from './detect-churn.js';
import type { AnalysisOptions } from './options.js';

interface Pair {
  clientIp: string;
  server: string;
  /** Its connections opened within `burstWindowMs` of the latest one, oldest first. */
  recent: BurstMember[];
  /**
   * The largest burst seen and not judged yet: connections all open when the latest of them opened (the
   * same objects as in `recent`, so their ends show in both).
   */
  best: BurstMember[];
  /** Times of its latest real closes (at most `burstStormConnections`): a reconnect wave's evidence. */
  closes: number[];
}

/**
 * Connection bursts while the capture goes on: many connections from one client host to one server endpoint
 * open together, all opened within `burstWindowMs` (the whole-capture rule of detectConnectionBurst, fed as
 * connections open instead of from their summaries at the end). A burst is raised once no connection can
 * join it any more (a burst window after its first connection opened) and the evidence shows a storm
 * (stormOf: its connections closing young, or a reconnect wave): as soon as it does, or never if it does
 * not within `burstEvidenceMs` more (a channel pool: the pair's next burst is judged afresh). Once per
 * pair, and only by `due`, which the analyzer calls once the capture has lasted a whole live window:
 * shorter captures keep their end-of-capture answer. Memory: per pair, the connections opened in the last
 * burst window, the largest burst waiting to be judged and the latest `burstStormConnections` close times;
 * at most `captureMaxKeys` pairs.
 */
export class LiveBursts {
  private readonly pairs = new Map<string, Pair>();
  /** Pairs whose burst was raised. */
  readonly raised = new Set<string>();
  /** Pairs holding a burst large enough to raise. */
  private readonly pending = new Set<string>();
  private readonly windowS: number;
  private readonly evidenceS: number;

  constructor(private readonly opts: AnalysisOptions) {
    this.windowS = opts.burstWindowMs / 1000;
    this.evidenceS = opts.burstEvidenceMs / 1000;
  }

  /** A connection's protocol is known at `time`: the time it counts as opened. */
  opened(id: string, clientIp: string, server: string, time: number): void {
    const pair = this.pair(clientIp, server, time);
    if (pair === null) return;
    const recent = pair.recent.filter(
      (c) => c.start >= time - this.windowS && (c.end === null || c.end >= time),
    );
    recent.push({ id, start: time, end: null, calls: 0, closed: false });
    pair.recent = recent;
    if (recent.length > pair.best.length) {
      pair.best = [...recent];
      if (pair.best.length >= this.opts.burstMinConnections) this.pending.add(`${clientIp} ${server}`);
    }
  }

  /** A connection ended at `time` with `calls` calls; `closed`: by a peer, not by the end of the capture. */
  closed(id: string, clientIp: string, server: string, time: number, calls: number, closed: boolean): void {
    const pair = this.pair(clientIp, server, time);
    if (pair === null) return;
    const c = pair.best.find((r) => r.id === id) ?? pair.recent.find((r) => r.id === id);
    if (c !== undefined) Object.assign(c, { end: time, calls, closed });
    if (!closed) return;
    // Ends come in capture order, nearly: kept sorted for reconnects().
    let i = pair.closes.length;
    while (i > 0 && pair.closes[i - 1]! > time) i--;
    pair.closes.splice(i, 0, time);
    if (pair.closes.length > this.opts.burstStormConnections) pair.closes.shift();
  }

  /** The pair's state, made when new (null past `captureMaxKeys` pairs), unless its burst was raised. */
  private pair(clientIp: string, server: string, time: number): Pair | null {
    const key = `${clientIp} ${server}`;
    if (this.raised.has(key)) return null;
    let pair = this.pairs.get(key);
    if (pair === undefined) {
      if (this.pairs.size >= this.opts.captureMaxKeys) this.forgetStale(time);
      if (this.pairs.size >= this.opts.captureMaxKeys) return null;
      pair = { clientIp, server, recent: [], best: [], closes: [] };
      this.pairs.set(key, pair);
    }
    return pair;
  }

  /**
   * The bursts no connection can join any more at `time` whose evidence shows a storm by then; those whose
   * evidence time has passed without it are dropped.
   */
  due(time: number): Diagnostic[] {
    if (this.pending.size === 0) return [];
    const out: Diagnostic[] = [];
    for (const key of this.pending) {
      const pair = this.pairs.get(key)!;
      const first = pair.best[0]!;
      if (time <= first.start + this.windowS) continue;
      const last = pair.best[pair.best.length - 1]!;
      const storm = stormOf(
        pair.best,
        reconnects(pair.closes, first.start, last.start, this.opts),
        this.opts,
      );
      if (storm === null) {
        // A pool keeps its connections: no more evidence can come once the youngest is past the age at
        // which closing would make it short-lived.
        if (time > last.start + this.evidenceS) {
          pair.best = [];
          this.pending.delete(key);
        }
        continue;
      }
      out.push(connectionBurst(pair.clientIp, pair.server, pair.best, storm));
      this.pending.delete(key);
      this.pairs.delete(key);
      this.raised.add(key);
    }
    return out;
  }

  /** Pairs with no connection opened in the last burst window and no burst waiting. */
  private forgetStale(time: number): void {
    for (const [key, pair] of this.pairs)
      if (!this.pending.has(key) && pair.recent.every((c) => c.start < time - this.windowS))
        this.pairs.delete(key);
  }
}
