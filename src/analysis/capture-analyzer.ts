import { ANALYSIS_DIAGNOSTICS } from '../diagnostics/analysis.js';
import { diag } from '../diagnostics/make.js';
import type { Diagnostic } from '../diagnostics/types.js';
import type { CaptureObserver } from '../engine/observer.js';
import type { CallRecord } from '../records/call.js';
import type { ConnectionRecord } from '../records/records.js';
import type { ConnectionPeers } from '../session/connection-session.js';
import { CaptureAggregate } from './capture-aggregate.js';
import { hostOf, summarize, type ConnectionSummary } from './capture-facts.js';
import { churning, detectConnectionBurst, detectConnectionPerCall } from './detect-churn.js';
import { detectEndpointImbalance, detectPinnedConnection } from './detect-imbalance.js';
import { LiveBursts } from './live-bursts.js';
import { LiveChurn } from './live-churn.js';
import { LiveImbalance } from './live-imbalance.js';
import { detectRefusedConnections } from './detect-refused.js';
import { analysisOptions, type AnalysisOptions } from './options.js';
import { RelayMatcher, relayFacts } from './relay-legs.js';

const NONE: Diagnostic[] = [];

/** The service an imbalance diagnostic is about. */
function serviceOf(d: Diagnostic): string {
  return String(d.evidence?.['service']);
}

/** The service and client/server pair a pinned-connection diagnostic is about, as LiveImbalance keys it. */
function pinOf(d: Diagnostic, details: ConnectionSummary[]): string {
  const client = details.find((c) => c.id === d.connection)?.clientIp;
  return `${serviceOf(d)}\u0000${String(client)} ${String(d.evidence?.['server'])}`;
}

/** The pair a churn, burst or refused diagnostic is about, as CaptureAggregate keys it. */
function pairOf(d: Diagnostic): string {
  return `${String(d.evidence?.['client'])} ${String(d.evidence?.['server'])}`;
}

/**
 * The whole-capture analysis: connection churn, bursts, load imbalance and refused connections. On a
 * capture shorter than the live window (`imbalanceWindowMs`, 60 s) they are decided at its end from
 * counters and a bounded number of per-connection summaries (CaptureAggregate), as they always were; once
 * the capture has lasted a whole window (a live pipe, channels that live for hours) each is also raised as
 * soon as its evidence is there, from bounded state: imbalance and churn over a sliding window, a burst
 * once no connection can join it, a refused pair at its first refusal (its count so far). What was raised
 * live is not raised again at the end. Memory does not grow with the capture's length.
 */
export class CaptureAnalyzer implements CaptureObserver {
  private readonly opts: AnalysisOptions;
  private readonly facts: CaptureAggregate;
  /** gRPC calls per service, by live connection id (calls end before their connection does). */
  private readonly services = new Map<string, Map<string, number>>();
  /** Client host / server endpoint pairs whose churn was raised already. */
  private readonly churned = new Set<string>();
  /** Imbalance, churn and bursts while the capture goes on. */
  private readonly live: LiveImbalance;
  /**
   * L7 proxies seen relaying calls (src/analysis/relay-legs.ts): a proxy's endpoint is not one of its
   * service's backends, so load imbalance leaves it out (the backends behind it are judged among themselves).
   */
  private readonly relays = new RelayMatcher<null>();
  private readonly proxies = new Set<string>();
  private readonly churn: LiveChurn;
  private readonly bursts: LiveBursts;
  /** Pairs with a refused connection: raised once the capture lasted a live window, then kept raised. */
  private readonly refusedPending = new Set<string>();
  private readonly refusedRaised = new Set<string>();
  /** Earliest capture time seen (s): live judgements start once the capture has lasted a whole window. */
  private first = Infinity;

  constructor(options: Partial<AnalysisOptions> = {}) {
    this.opts = analysisOptions(options);
    this.facts = new CaptureAggregate(this.opts.captureMaxConnections, this.opts.captureMaxKeys);
    this.live = new LiveImbalance(this.opts);
    this.churn = new LiveChurn(this.opts);
    this.bursts = new LiveBursts(this.opts);
  }

  /** A connection's protocol is known at capture time `time` (the engine's latest packet). */
  opened(peers: ConnectionPeers, time?: number): Diagnostic[] {
    this.relays.opened(peers);
    if (peers.protocol === 'h2' || peers.protocol === 'h2c')
      this.live.opened(peers.id, peers.client, peers.server);
    if (time === undefined) return NONE;
    this.seen(time);
    this.bursts.opened(peers.id, hostOf(peers.client), peers.server, time);
    return this.due(time);
  }

  /**
   * A connection ended. Connection-per-call churn is raised here, as soon as the pair's connections so far
   * show it, or (once the capture has lasted a live window) those that ended in the last window do; once
   * per client host and server endpoint, not when the capture ends: a live capture may never end.
   */
  connection(record: ConnectionRecord): Diagnostic[] {
    const summary = summarize(record, this.services.get(record.id));
    this.seen(summary.start);
    this.facts.add(summary);
    this.services.delete(record.id);
    this.live.closed(record.id);
    this.bursts.closed(
      summary.id,
      summary.clientIp,
      summary.server,
      summary.end,
      summary.calls,
      summary.closed,
    );
    const key = `${summary.clientIp} ${summary.server}`;
    if (summary.refused && !this.refusedRaised.has(key)) this.refusedPending.add(key);
    const found: Diagnostic[] = [];
    const windowed = summary.http2 ? this.churn.ended(summary, this.lasted(summary.end)) : null;
    const pair = this.facts.pairs.get(key);
    if (pair !== undefined && !this.churned.has(key)) {
      if (churning(pair, this.opts)) found.push(...detectConnectionPerCall(this.facts, this.opts, key));
      else if (windowed !== null) found.push(windowed);
      if (found.length > 0) this.churned.add(key);
    }
    found.push(...this.due(summary.end));
    return found.length === 0 ? NONE : this.mark(found);
  }

  call(call: CallRecord): Diagnostic[] {
    let m = this.services.get(call.connection);
    if (m === undefined) this.services.set(call.connection, (m = new Map()));
    const service = call.service ?? call.authority ?? '(unknown service)';
    m.set(service, (m.get(service) ?? 0) + 1);
    const relayed = this.relays.call(relayFacts(call), null).relayed;
    if (relayed !== null && !this.proxies.has(relayed.proxy)) {
      this.proxies.add(relayed.proxy);
      this.live.proxies.add(relayed.proxy);
    }
    this.seen(call.start);
    const found = this.live.call(call);
    const due = this.due(call.end);
    return this.mark(due.length === 0 ? found : [...found, ...due]);
  }

  private seen(time: number): void {
    if (time < this.first) this.first = time;
  }

  /** The capture has lasted a whole live window by `time`. */
  private lasted(time: number): boolean {
    return (time - this.first) * 1000 >= this.opts.imbalanceWindowMs;
  }

  /** Bursts and refused connections whose evidence is complete, once the capture lasted a live window. */
  private due(time: number): Diagnostic[] {
    if (!this.lasted(time)) return NONE;
    const found = this.bursts.due(time);
    for (const key of this.refusedPending) {
      found.push(...detectRefusedConnections(this.facts, key));
      this.refusedRaised.add(key);
    }
    this.refusedPending.clear();
    return found.length === 0 ? NONE : found;
  }

  /** Raised before the end: marked approximate when the caps were passed by then. */
  private mark(found: Diagnostic[]): Diagnostic[] {
    if (this.facts.approximate) for (const d of found) this.approximate(d);
    return found;
  }

  private approximate(d: Diagnostic): void {
    d.evidence = { ...d.evidence, approximate: true };
  }

  finish(): Diagnostic[] {
    const f = this.facts;
    const num = (id: string): number => Number(id.slice(1));
    f.details.sort((a, b) => a.start - b.start || num(a.id) - num(b.id));
    const churn = detectConnectionPerCall(f, this.opts).filter((d) => !this.churned.has(pairOf(d)));
    const found = [
      ...churn,
      ...detectConnectionBurst(f.details, this.opts).filter((d) => !this.bursts.raised.has(pairOf(d))),
      ...detectEndpointImbalance(f, this.opts, this.proxies).filter(
        (d) => !this.live.raisedEndpoints.has(serviceOf(d)),
      ),
      ...detectPinnedConnection(f.details, this.opts).filter(
        (d) => !this.live.raisedPinned.has(pinOf(d, f.details)),
      ),
      ...detectRefusedConnections(f).filter((d) => !this.refusedRaised.has(pairOf(d))),
    ];
    if (!f.approximate) return found;
    for (const d of found) this.approximate(d);
    const params = {
      connections: f.connections,
      kept: f.details.length,
      maxConnections: this.opts.captureMaxConnections,
      maxKeys: this.opts.captureMaxKeys,
      uncounted: f.keysDropped,
    };
    return [diag(ANALYSIS_DIAGNOSTICS, 'analysis.capture.approximate', params), ...found];
  }
}
