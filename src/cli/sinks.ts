/** Small RecordSink combinators used by the command. */
import type { Diagnostic, Severity } from '../diagnostics/types.js';
import type { RecordSink } from '../engine/engine.js';
import type { CallRecord } from '../records/call.js';
import type { H2Event } from '../h2/types.js';
import type { CaptureRecord, ConnectionRecord, FrameRecord } from '../records/records.js';

type FrameEvent = Extract<H2Event, { kind: 'frame' }>;

/**
 * Counts diagnostics by severity before any --filter (for --fail-on and the exit status) and keeps the
 * ones about the input itself (capture layer, unreadable link types) for the one-line message on stderr.
 */
export class DiagnosticTally implements RecordSink {
  readonly counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  readonly inputProblems: Diagnostic[] = [];
  connections = 0;
  /** Forwarded only when the inner sink has it (the engine announces connections only then). */
  readonly opened?: RecordSink['opened'];

  constructor(private readonly inner: RecordSink) {
    if (inner.opened) this.opened = (peers, time) => inner.opened!(peers, time);
  }

  diagnostic(d: Diagnostic): void {
    this.counts[d.severity]++;
    if (isInputProblem(d)) this.inputProblems.push(d);
    this.inner.diagnostic(d);
  }

  // Plain parameters, not rest arguments: frame() runs once per HTTP/2 frame.
  connection(rec: ConnectionRecord): void {
    this.connections++;
    this.inner.connection(rec);
  }

  frame(rec: FrameRecord, ev: FrameEvent): void {
    this.inner.frame(rec, ev);
  }

  connectionUpdate(rec: ConnectionRecord): void {
    this.inner.connectionUpdate?.(rec);
  }

  call(rec: CallRecord): void {
    this.inner.call?.(rec);
  }

  capture(rec: CaptureRecord): void {
    this.inner.capture(rec);
  }
}

/** Problems with the input as a file: not a capture, truncated, corrupt, unreadable, unknown link type. */
export function isInputProblem(d: Diagnostic): boolean {
  if (d.code === 'net.unknown-linktype') return true;
  if (!d.code.startsWith('capture.')) return false;
  return d.severity === 'error' || d.code === 'capture.truncated';
}

/** Every record to each sink, in order. */
export function teeSink(...sinks: RecordSink[]): RecordSink {
  const announced = sinks.filter((s) => s.opened !== undefined);
  return {
    ...(announced.length > 0
      ? { opened: (peers, time) => announced.forEach((s) => s.opened!(peers, time)) }
      : {}),
    connection: (rec) => sinks.forEach((s) => s.connection(rec)),
    frame: (rec, ev) => sinks.forEach((s) => s.frame(rec, ev)),
    call: (rec) => sinks.forEach((s) => s.call?.(rec)),
    diagnostic: (d) => sinks.forEach((s) => s.diagnostic(d)),
    capture: (rec) => sinks.forEach((s) => s.capture(rec)),
    connectionUpdate: (rec) => sinks.forEach((s) => s.connectionUpdate?.(rec)),
  };
}

/** Drops everything (a FilterSink that only computes which connections match). */
export const NULL_SINK: RecordSink = {
  connection: () => undefined,
  frame: () => undefined,
  call: () => undefined,
  diagnostic: () => undefined,
  capture: () => undefined,
};
