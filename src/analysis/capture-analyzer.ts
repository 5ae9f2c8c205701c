import { ANALYSIS_DIAGNOSTICS } from '../diagnostics/analysis.js';
import { diag } from '../diagnostics/make.js';
import type { Diagnostic } from '../diagnostics/types.js';
import type { CaptureObserver } from '../engine/observer.js';
import type { CallRecord } from '../records/call.js';
import type { ConnectionRecord } from '../records/records.js';
import { CaptureAggregate } from './capture-aggregate.js';
import { summarize } from './capture-facts.js';
import { detectConnectionBurst, detectConnectionPerCall } from './detect-churn.js';
import { detectEndpointImbalance, detectPinnedConnection } from './detect-imbalance.js';
import { detectRefusedConnections } from './detect-refused.js';
import { analysisOptions, type AnalysisOptions } from './options.js';

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

  constructor(options: Partial<AnalysisOptions> = {}) {
    this.opts = analysisOptions(options);
    this.facts = new CaptureAggregate(this.opts.captureMaxConnections, this.opts.captureMaxKeys);
  }

  connection(record: ConnectionRecord): void {
    this.facts.add(summarize(record, this.services.get(record.id)));
    this.services.delete(record.id);
  }

  call(call: CallRecord): void {
    let m = this.services.get(call.connection);
    if (m === undefined) this.services.set(call.connection, (m = new Map()));
    const service = call.service ?? call.authority ?? '(unknown service)';
    m.set(service, (m.get(service) ?? 0) + 1);
  }

  finish(): Diagnostic[] {
    const f = this.facts;
    const num = (id: string): number => Number(id.slice(1));
    f.details.sort((a, b) => a.start - b.start || num(a.id) - num(b.id));
    const found = [
      ...detectConnectionPerCall(f, this.opts),
      ...detectConnectionBurst(f.details, this.opts),
      ...detectEndpointImbalance(f, this.opts),
      ...detectPinnedConnection(f.details, this.opts),
      ...detectRefusedConnections(f),
    ];
    if (!f.approximate) return found;
    for (const d of found) d.evidence = { ...d.evidence, approximate: true };
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
