/**
 * The seam where layers above HTTP/2 plug into the engine without the engine knowing them: the gRPC call
 * tracker and the connection analysis are ConnectionObservers (one instance per connection), cross-connection
 * detectors (churn, load imbalance) are CaptureObservers. Observers are pure consumers of events in capture
 * order; what they produce goes to the sink and to the observers after them in the chain.
 */
import type { Diagnostic } from '../diagnostics/types.js';
import type { CallRecord } from '../records/call.js';
import type { H2Event } from '../h2/types.js';
import type { ConnectionRecord } from '../records/records.js';
import type { ConnectionPeers, TcpCloseEvent } from '../session/connection-session.js';
import type { Http1MessageEvent } from '../session/events.js';
import type { TcpConnectionInfo, TcpEndReason } from '../tcp/types.js';

/**
 * What a connection observer sees: the HTTP/2 events, TCP FIN/RST per side (in capture order with the
 * frames), plus calls produced by observers before it.
 */
export type ObservedEvent = H2Event | TcpCloseEvent | Http1MessageEvent | { kind: 'call'; call: CallRecord };

/** What an observer produces. */
export type ObserverOutput =
  { kind: 'diagnostic'; diagnostic: Diagnostic } | { kind: 'call'; call: CallRecord };

export interface ConnectionObserver {
  event(ev: ObservedEvent): ObserverOutput[];
  /**
   * The connection ended. `extend` adds fields to its connection record (e.g. flowControl, settings); the
   * record passed in is final except for those fields.
   */
  end(
    record: ConnectionRecord,
    reason: TcpEndReason,
  ): { outputs: ObserverOutput[]; extend?: Record<string, unknown> };
  /**
   * The connection is still open and someone asked for its record (a snapshot): the fields `end` would add
   * now, as they stand. No side effect, no output; may be called any number of times, so it must be cheap.
   */
  snapshot?(record: ConnectionRecord): Record<string, unknown> | undefined;
}

/**
 * The per-code diagnostic cap in front of the sink (src/engine/diagnostic-cap.ts), as observers see it: a
 * diagnostic past the cap is only counted, so an observer that raises thousands of one code (a starvation
 * per stream on a busy connection) asks first and counts it instead of building its message and evidence.
 */
export interface DiagnosticBudget {
  /** Whether a diagnostic of `code` raised now would reach the sink. */
  passes(code: string): boolean;
  /** Counts a diagnostic of `code` that was not built because it would not have reached the sink. */
  count(code: string): void;
}

/** `budget`: the engine's cap; absent (tests, a shard that caps nothing), every diagnostic is built. */
export type ConnectionObserverFactory = (
  conn: TcpConnectionInfo,
  budget?: DiagnosticBudget,
) => ConnectionObserver;

export interface CaptureObserver {
  /**
   * A connection's endpoints and protocol are known (its session decided them) at capture time `time`,
   * before it ends; returns the diagnostics that time completes (a burst of connections), if any.
   */
  opened?(peers: ConnectionPeers, time: number): Diagnostic[] | void;
  /** A connection ended; returns the whole-capture diagnostics its record completes (churn), if any. */
  connection(record: ConnectionRecord): Diagnostic[];
  /** A call ended; returns the diagnostics it completes (imbalance over a window of time), if any. */
  call(call: CallRecord): Diagnostic[];
  /** At the end of the capture: diagnostics that need the whole capture (bursts, imbalance). */
  finish(): Diagnostic[];
}
