import { ANALYSIS_DIAGNOSTICS } from '../diagnostics/analysis.js';
import { diag } from '../diagnostics/make.js';
import type { Diagnostic } from '../diagnostics/types.js';
import { clock, msBetween } from './format.js';
import type { AnalysisOptions } from './options.js';

interface Opened {
  id: string;
  start: number;
  /** Capture time of its end, once it ended. */
  end: number | null;
}

interface Pair {
  clientIp: string;
  server: string;
  /** Its connections opened within `burstWindowMs` of the latest one, oldest first. */
  recent: Opened[];
  /** The largest burst seen and not raised yet: connections all open when the latest of them opened. */
  best: Opened[];
}

/**
 * Connection bursts while the capture goes on: many connections from one client host to one server endpoint
 * open together, all opened within `burstWindowMs` (the whole-capture rule of detectConnectionBurst, fed as
 * connections open instead of from their summaries at the end). A burst is raised once no connection can
 * join it any more (a burst window after its first connection opened), once per pair, and only by `due`,
 * which the analyzer calls once the capture has lasted a whole live window: shorter captures keep their
 * end-of-capture answer. Memory: per pair, the connections opened in the last burst window and the largest
 * burst waiting to be raised; at most `captureMaxKeys` pairs.
 */
export class LiveBursts {
  private readonly pairs = new Map<string, Pair>();
  /** Pairs whose burst was raised. */
  readonly raised = new Set<string>();
  /** Pairs holding a burst large enough to raise. */
  private readonly pending = new Set<string>();
  private readonly windowS: number;

  constructor(private readonly opts: AnalysisOptions) {
    this.windowS = opts.burstWindowMs / 1000;
  }

  /** A connection's protocol is known at `time`: the time it counts as opened. */
  opened(id: string, clientIp: string, server: string, time: number): void {
    const key = `${clientIp} ${server}`;
    if (this.raised.has(key)) return;
    let pair = this.pairs.get(key);
    if (pair === undefined) {
      if (this.pairs.size >= this.opts.captureMaxKeys) this.forgetStale(time);
      if (this.pairs.size >= this.opts.captureMaxKeys) return;
      pair = { clientIp, server, recent: [], best: [] };
      this.pairs.set(key, pair);
    }
    const recent = pair.recent.filter(
      (c) => c.start >= time - this.windowS && (c.end === null || c.end >= time),
    );
    recent.push({ id, start: time, end: null });
    pair.recent = recent;
    if (recent.length > pair.best.length) {
      pair.best = [...recent];
      if (pair.best.length >= this.opts.burstMinConnections) this.pending.add(key);
    }
  }

  closed(id: string, clientIp: string, server: string, time: number): void {
    const c = this.pairs.get(`${clientIp} ${server}`)?.recent.find((r) => r.id === id);
    if (c !== undefined) c.end = time;
  }

  /** The bursts no connection can join any more at `time`. */
  due(time: number): Diagnostic[] {
    if (this.pending.size === 0) return [];
    const out: Diagnostic[] = [];
    for (const key of this.pending) {
      const pair = this.pairs.get(key)!;
      const first = pair.best[0]!;
      if (time <= first.start + this.windowS) continue;
      const last = pair.best[pair.best.length - 1]!;
      const params = {
        client: pair.clientIp,
        server: pair.server,
        connections: pair.best.length,
        windowMs: msBetween(first.start, last.start),
        first: clock(first.start),
      };
      const d = diag(ANALYSIS_DIAGNOSTICS, 'analysis.churn.burst', params, {
        connection: first.id,
        time: first.start,
      });
      d.evidence = { ...d.evidence, connectionIds: pair.best.map((c) => c.id) };
      out.push(d);
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
