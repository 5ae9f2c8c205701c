import type { AbuseTracker } from './abuse.js';
import type { Diagnostic } from '../diagnostics/types.js';
import type {
  ConnectionRecord,
  FlowControlRecord,
  GoawayRecord,
  PingsRecord,
  Role,
} from '../records/records.js';
import type { TcpEndReason } from '../tcp/types.js';
import type { CallFacts } from './call-facts.js';
import type { ConcurrencyTracker } from './concurrency.js';
import type { FlowDirection } from './flow-direction.js';
import type { AnalysisOptions } from './options.js';
import type { PingTracker } from './pings.js';
import type { SettingsTimeline } from './settings-timeline.js';
import type { StateViolation, StreamTable } from './stream-states.js';

/** A diagnostic a lower layer raised on this connection, kept to explain a GOAWAY. */
export interface SeenDiagnostic {
  code: string;
  title: string;
  message: string;
  /** The side it is about, when the evidence says (`from`). */
  from: Role | null;
  time: number | null;
}

/** Everything the connection detectors read: final, computed once at the end of the connection. */
export interface ConnectionFacts {
  id: string;
  record: ConnectionRecord;
  reason: TcpEndReason;
  opts: AnalysisOptions;
  /** Windows, stream states and limits are trustworthy (no gap, no mid-connection start). */
  exact: boolean;
  flowControl: FlowControlRecord;
  flow: Record<Role, FlowDirection>;
  settings: SettingsTimeline;
  pings: PingTracker;
  pingsRecord: PingsRecord;
  streams: StreamTable;
  concurrency: ConcurrencyTracker;
  goaways: GoawayRecord[];
  violations: StateViolation[];
  violationCount: number;
  /** The calls a detector may flag that are still kept (CallLedger), oldest first. */
  calls: CallFacts[];
  /** Streams of gRPC calls that were reset (the gRPC layer reports those resets). */
  grpcResets: ReadonlySet<number>;
  /** Durations of the successful calls to a method on this connection. */
  okDurations(method: string | null): readonly number[];
  seen: SeenDiagnostic[];
  /** Abuse patterns, and what most likely triggered each GOAWAY (abuse.ts). */
  abuse: AbuseTracker;
  /** Frames each side sent. */
  framesFrom: Record<Role, number>;
  /** Time of the last frame other than PING (keepalive traffic is not activity). */
  lastActivity: number | null;
  /**
   * Streams whose starvation was judged while the connection was open (at their close, or while long
   * open): the end does not judge them again. Absent: none was.
   */
  starvationJudged?: (sender: Role, stream: number) => boolean;
}

export type ConnectionDetector = (facts: ConnectionFacts) => Diagnostic[];
