import type { Diagnostic } from '../diagnostics/types.js';
import type { CaptureObserver } from '../engine/observer.js';
import type { CallRecord } from '../grpc/call-record.js';
import type { ConnectionRecord } from '../model/records.js';
import { summarize, type ConnectionSummary } from './capture-facts.js';
import { detectConnectionBurst, detectConnectionPerCall } from './detect-churn.js';
import { detectEndpointImbalance, detectPinnedConnection } from './detect-imbalance.js';
import { detectRefusedConnections } from './detect-refused.js';
import { analysisOptions, type AnalysisOptions } from './options.js';

/**
 * The whole-capture analysis: connection churn, bursts, load imbalance and refused connections need every
 * connection and call, so they are decided at the end of the capture from small per-connection summaries.
 */
export class CaptureAnalyzer implements CaptureObserver {
  private readonly opts: AnalysisOptions;
  private readonly conns: ConnectionSummary[] = [];
  /** gRPC calls per service, by connection id (calls end before their connection does). */
  private readonly services = new Map<string, Map<string, number>>();

  constructor(options: Partial<AnalysisOptions> = {}) {
    this.opts = analysisOptions(options);
  }

  connection(record: ConnectionRecord): void {
    this.conns.push(summarize(record, this.services.get(record.id)));
    this.services.delete(record.id);
  }

  call(call: CallRecord): void {
    let m = this.services.get(call.connection);
    if (m === undefined) this.services.set(call.connection, (m = new Map()));
    const service = call.service ?? call.authority ?? '(unknown service)';
    m.set(service, (m.get(service) ?? 0) + 1);
  }

  finish(): Diagnostic[] {
    const num = (id: string): number => Number(id.slice(1));
    const conns = [...this.conns].sort((a, b) => a.start - b.start || num(a.id) - num(b.id));
    return [
      ...detectConnectionPerCall(conns, this.opts),
      ...detectConnectionBurst(conns, this.opts),
      ...detectEndpointImbalance(conns, this.opts),
      ...detectPinnedConnection(conns, this.opts),
      ...detectRefusedConnections(conns),
    ];
  }
}
