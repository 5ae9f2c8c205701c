/**
 * One side of `h2scope diff`: what a capture (or several, merged) says in numbers. A RecordSink that
 * keeps aggregates only, like --summary (call-stats.ts): per method, per server endpoint, per diagnostic
 * code, plus the incident counts the verdict lines compare (flow-control stalls, GOAWAYs, churn).
 *
 * Connections of two captures cannot be paired one to one (new ephemeral ports, new connection ids), so
 * they are compared per server endpoint (the `server` address of each connection record).
 */
import { DIAGNOSTICS } from '../diagnostics/catalogue.js';
import type { Severity } from '../diagnostics/types.js';
import type { RecordSink } from '../engine/engine.js';
import { callNotOk, type CallRecord } from '../records/call.js';
import type { CaptureRecord, ConnectionRecord } from '../records/records.js';
import { callFacts, CallStatsByMethod } from '../model/call-stats.js';

export interface EndpointFacts {
  connections: number;
  calls: number;
  errors: number;
  /** Call durations (ms), unsorted. */
  durations: number[];
  stalls: number;
  stalledMs: number;
  /** GOAWAYs by "sender ERROR_CODE". */
  goaways: Map<string, number>;
  /** How connections ended (fin, rst, capture-end, ...). */
  endReasons: Map<string, number>;
}

export interface DiagnosticCount {
  severity: Severity;
  title: string;
  count: number;
}

/** Calls of a connection whose record has not come yet (it comes when the connection ends). */
interface PendingCalls {
  calls: number;
  errors: number;
  durations: number[];
}

export class DiffSide {
  readonly captures: CaptureRecord[] = [];
  readonly calls = new CallStatsByMethod();
  readonly endpoints = new Map<string, EndpointFacts>();
  readonly diagnostics = new Map<string, DiagnosticCount>();
  connections = 0;
  /** HTTP/2 connections (the ones that can carry calls). */
  h2Connections = 0;
  stalls = 0;
  stalledMs = 0;
  readonly goaways = new Map<string, number>();
  private readonly pending = new Map<string, PendingCalls>();

  readonly sink: RecordSink = {
    connection: (rec) => this.connection(rec),
    frame: () => undefined,
    call: (c) => this.call(c),
    diagnostic: (d) => {
      const known = this.diagnostics.get(d.code);
      if (known) known.count++;
      else
        this.diagnostics.set(d.code, {
          severity: d.severity,
          title: DIAGNOSTICS[d.code]?.title ?? d.code,
          count: 1,
        });
    },
    capture: (rec) => void this.captures.push(rec),
  };

  private call(c: CallRecord): void {
    this.calls.add(callFacts(c));
    let p = this.pending.get(c.connection);
    if (!p) this.pending.set(c.connection, (p = { calls: 0, errors: 0, durations: [] }));
    p.calls++;
    if (callNotOk(c)) p.errors++;
    p.durations.push(c.durationMs);
  }

  private connection(rec: ConnectionRecord): void {
    if (rec.open) return; // a snapshot: the final record follows
    this.connections++;
    if (rec.protocol === 'h2c' || rec.protocol === 'h2') this.h2Connections++;
    let e = this.endpoints.get(rec.server);
    if (!e) this.endpoints.set(rec.server, (e = newEndpoint()));
    e.connections++;
    bump(e.endReasons, rec.endReason);
    const p = this.pending.get(rec.id);
    if (p) {
      this.pending.delete(rec.id);
      e.calls += p.calls;
      e.errors += p.errors;
      for (const d of p.durations) e.durations.push(d);
    }
    const flow = rec.flowControl;
    if (flow) {
      const stalls = flow.client.stalls.length + flow.server.stalls.length;
      const waited = flow.client.stalledMs + flow.server.stalledMs;
      e.stalls += stalls;
      e.stalledMs += waited;
      this.stalls += stalls;
      this.stalledMs += waited;
    }
    for (const g of rec.goaway ?? []) {
      if (g.phase === 'repeat') continue;
      const key = `${g.from} ${g.errorCode}`;
      bump(e.goaways, key);
      bump(this.goaways, key);
    }
  }
}

function newEndpoint(): EndpointFacts {
  return {
    connections: 0,
    calls: 0,
    errors: 0,
    durations: [],
    stalls: 0,
    stalledMs: 0,
    goaways: new Map(),
    endReasons: new Map(),
  };
}

function bump(m: Map<string, number>, key: string): void {
  m.set(key, (m.get(key) ?? 0) + 1);
}
