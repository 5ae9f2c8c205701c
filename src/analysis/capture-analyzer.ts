import { ANALYSIS_DIAGNOSTICS } from '../diagnostics/analysis.js';
import { diag } from '../diagnostics/make.js';
import type { Diagnostic } from '../diagnostics/types.js';
import type { CaptureObserver } from '../engine/observer.js';
import type { CallRecord } from '../records/call.js';
import type { ConnectionRecord } from '../records/records.js';
import type { ConnectionPeers } from '../session/connection-session.js';
import { CaptureAggregate } from './capture-aggregate.js';
import { summarize, type ConnectionSummary } from './capture-facts.js';
import { churning, detectConnectionBurst, detectConnectionPerCall } from './detect-churn.js';
import { detectEndpointImbalance, detectPinnedConnection } from './detect-imbalance.js';
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

/** The pair a connection-per-call diagnostic is about, as CaptureAggregate keys it. */
function pairOf(d: Diagnostic): string {
  return `${String(d.evidence?.['client'])} ${String(d.evidence?.['server'])}`;
}

/**
 * The whole-capture analysis: connection churn, bursts, load imbalance and refused connections need every
 * connection and call, so they are decided at the end of the capture from counters and a bounded number of
 * per-connection summaries (CaptureAggregate): memory does not grow with the capture's length.
 */
export class CaptureAnalyzer implements CaptureObserver {
  private readonly opts: AnalysisOptions;
  private readonly facts: CaptureAggregate;
  /** gRPC calls per service, by live connection id (calls end before their connection does). */
  private readonly services = new Map<string, Map<string, number>>();
  /** Client host / server endpoint pairs whose churn was raised already. */
  private readonly churned = new Set<string>();
  /** Imbalance over a sliding window while the capture goes on. */
  private readonly live: LiveImbalance;
  /**
   * L7 proxies seen relaying calls (src/analysis/relay-legs.ts): a proxy's endpoint is not one of its
   * service's backends, so load imbalance leaves it out (the backends behind it are judged among themselves).
   */
  private readonly relays = new RelayMatcher<null>();
  private readonly proxies = new Set<string>();

  constructor(options: Partial<AnalysisOptions> = {}) {
    this.opts = analysisOptions(options);
    this.facts = new CaptureAggregate(this.opts.captureMaxConnections, this.opts.captureMaxKeys);
    this.live = new LiveImbalance(this.opts);
  }

  opened(peers: ConnectionPeers): void {
    this.relays.opened(peers);
    if (peers.protocol === 'h2' || peers.protocol === 'h2c')
      this.live.opened(peers.id, peers.client, peers.server);
  }

  /**
   * A connection ended. Connection-per-call churn is raised here, as soon as the pair's connections so far
   * show it (once per client host and server endpoint), not when the capture ends: a live capture may
   * never end. Its evidence is the pair's connections up to then.
   */
  connection(record: ConnectionRecord): Diagnostic[] {
    const summary = summarize(record, this.services.get(record.id));
    this.facts.add(summary);
    this.services.delete(record.id);
    this.live.closed(record.id);
    const key = `${summary.clientIp} ${summary.server}`;
    const pair = this.facts.pairs.get(key);
    if (pair === undefined || this.churned.has(key) || !churning(pair, this.opts)) return NONE;
    this.churned.add(key);
    return this.mark(detectConnectionPerCall(this.facts, this.opts, key));
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
    return this.mark(this.live.call(call));
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
      ...detectConnectionBurst(f.details, this.opts),
      ...detectEndpointImbalance(f, this.opts, this.proxies).filter(
        (d) => !this.live.raisedEndpoints.has(serviceOf(d)),
      ),
      ...detectPinnedConnection(f.details, this.opts).filter(
        (d) => !this.live.raisedPinned.has(pinOf(d, f.details)),
      ),
      ...detectRefusedConnections(f),
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
