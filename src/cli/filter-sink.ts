/**
 * --filter between the engine and an output: frames, calls and diagnostics pass when they match; a
 * connection passes when it matches or when any of its records did (so json/text keep the connection a
 * matching call belongs to), and its id joins `matched`, the set --write-pcap exports.
 *
 * Records stream through as they come, except when the filter reads connection fields (conn.server, ...):
 * a connection's endpoints and roles are final only in its record, which comes after its frames and calls,
 * so those are held per connection until then (memory: the connection's records, not the capture's).
 */
import type { Diagnostic } from '../diagnostics/types.js';
import type { RecordSink } from '../engine/engine.js';
import {
  matchCall,
  matchConnection,
  matchDiagnostic,
  matchFrame,
  needsConnection,
  type FilterExpr,
} from '../filter/index.js';
import type { CallRecord } from '../records/call.js';
import type { ConnectionRecord } from '../records/records.js';

type FrameArgs = Parameters<RecordSink['frame']>;
type Held =
  | { kind: 'frame'; args: FrameArgs }
  | { kind: 'call'; call: CallRecord }
  | { kind: 'diagnostic'; d: Diagnostic };

export class FilterSink implements RecordSink {
  /** Ids of the connections that matched (themselves or through a record). */
  readonly matched = new Set<string>();
  private readonly hold: boolean;
  private readonly held = new Map<string, Held[]>();
  /** Ended connections, for diagnostics about them that come later (hold mode only). */
  private readonly ended = new Map<string, ConnectionRecord>();
  /** Every connection's endpoints pass (a summary pairs relayed calls by them), when the inner sink wants them. */
  readonly opened?: RecordSink['opened'];

  constructor(
    private readonly inner: RecordSink,
    private readonly expr: FilterExpr,
  ) {
    this.hold = needsConnection(expr);
    if (inner.opened) this.opened = (peers, time) => inner.opened!(peers, time);
  }

  frame(...args: FrameArgs): void {
    const rec = args[0];
    if (this.hold) return this.keep(rec.connection, { kind: 'frame', args });
    if (matchFrame(this.expr, rec)) this.passFrame(args);
  }

  call(call: CallRecord): void {
    if (this.hold) return this.keep(call.connection, { kind: 'call', call });
    if (matchCall(this.expr, call)) this.passCall(call);
  }

  diagnostic(d: Diagnostic): void {
    const id = d.connection;
    if (this.hold && id !== undefined && !this.ended.has(id)) return this.keep(id, { kind: 'diagnostic', d });
    const context = id === undefined ? undefined : this.ended.get(id);
    if (matchDiagnostic(this.expr, d, context)) this.passDiagnostic(d);
  }

  connection(rec: ConnectionRecord): void {
    for (const h of this.held.get(rec.id) ?? []) this.replay(h, rec);
    this.held.delete(rec.id);
    if (this.hold) this.ended.set(rec.id, rec);
    if (this.matched.has(rec.id) || matchConnection(this.expr, rec)) {
      this.matched.add(rec.id);
      this.inner.connection(rec);
    }
  }

  /** A snapshot of an open connection: passed when the connection matched so far or the snapshot does. */
  connectionUpdate(rec: ConnectionRecord): void {
    if (this.matched.has(rec.id) || matchConnection(this.expr, rec)) this.inner.connectionUpdate?.(rec);
  }

  capture(...args: Parameters<RecordSink['capture']>): void {
    this.inner.capture(...args);
  }

  private keep(id: string, h: Held): void {
    let list = this.held.get(id);
    if (!list) this.held.set(id, (list = []));
    list.push(h);
  }

  private replay(h: Held, conn: ConnectionRecord): void {
    if (h.kind === 'frame') {
      if (matchFrame(this.expr, h.args[0], conn)) this.passFrame(h.args);
    } else if (h.kind === 'call') {
      if (matchCall(this.expr, h.call, conn)) this.passCall(h.call);
    } else if (matchDiagnostic(this.expr, h.d, conn)) this.passDiagnostic(h.d);
  }

  private passFrame(args: FrameArgs): void {
    this.matched.add(args[0].connection);
    this.inner.frame(...args);
  }

  private passCall(call: CallRecord): void {
    this.matched.add(call.connection);
    this.inner.call?.(call);
  }

  private passDiagnostic(d: Diagnostic): void {
    if (d.connection !== undefined) this.matched.add(d.connection);
    this.inner.diagnostic(d);
  }
}
