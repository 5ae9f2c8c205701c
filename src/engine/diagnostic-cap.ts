import { ENGINE_DIAGNOSTICS } from '../diagnostics/engine.js';
import { diag } from '../diagnostics/make.js';
import type { Diagnostic } from '../diagnostics/types.js';
import type { RecordSink } from './engine.js';
import type { DiagnosticBudget } from './observer.js';

/**
 * Diagnostics reported per code and capture, by default. A capture can raise one diagnostic per packet or
 * frame (a tcp.gap for every lost segment, a zero-increment WINDOW_UPDATE repeated): tens of thousands of
 * identical rows that bury the rest and grow every report. Beyond the limit they are counted, and one
 * engine.diagnostics-suppressed per code says how many, as the net layer does for its own.
 */
export const DEFAULT_MAX_DIAGNOSTICS_PER_CODE = 1000;

/** A RecordSink in front of another that passes at most `limit` diagnostics of each code. */
export class DiagnosticCap implements RecordSink, DiagnosticBudget {
  private readonly counts = new Map<string, number>();

  /** Optional hooks are forwarded only when the sink has them (the engine checks for them). */
  readonly opened?: RecordSink['opened'];
  readonly connectionUpdate?: RecordSink['connectionUpdate'];

  constructor(
    private readonly sink: RecordSink,
    private readonly limit: number,
  ) {
    if (sink.opened) this.opened = (peers, time) => sink.opened!(peers, time);
    if (sink.connectionUpdate) this.connectionUpdate = (rec) => sink.connectionUpdate!(rec);
  }

  connection: RecordSink['connection'] = (rec) => this.sink.connection(rec);
  frame: RecordSink['frame'] = (rec, ev) => this.sink.frame(rec, ev);
  call: NonNullable<RecordSink['call']> = (rec) => this.sink.call?.(rec);

  diagnostic(d: Diagnostic): void {
    const n = (this.counts.get(d.code) ?? 0) + 1;
    this.counts.set(d.code, n);
    if (n <= this.limit) this.sink.diagnostic(d);
  }

  passes(code: string): boolean {
    return (this.counts.get(code) ?? 0) < this.limit;
  }

  count(code: string): void {
    this.counts.set(code, (this.counts.get(code) ?? 0) + 1);
  }

  /** The counts of what was held back, then the capture record. */
  capture(rec: Parameters<RecordSink['capture']>[0]): void {
    const codes = [...this.counts].filter(([, n]) => n > this.limit).sort(([a], [b]) => (a < b ? -1 : 1));
    for (const [code, n] of codes) {
      const params = { suppressed: n - this.limit, suppressedCode: code, limit: this.limit };
      this.sink.diagnostic(diag(ENGINE_DIAGNOSTICS, 'engine.diagnostics-suppressed', params));
    }
    this.sink.capture(rec);
  }
}
