import type { ConnectionDetector } from './connection-facts.js';
import { detectClientCancel, detectDeadlineExceeded, detectDeadlineOverrun } from './detect-calls.js';
import { detectOverruns, detectStarvation } from './detect-flow.js';
import { detectGoawayErrors, detectGracefulShutdown, detectRefusedByGoaway } from './detect-goaway.js';
import { detectFrequentPings, detectIdleDrop, detectUnansweredPings } from './detect-keepalive.js';
import { detectUnacknowledgedSettings } from './detect-settings.js';
import {
  detectBadStates,
  detectConcurrency,
  detectRefusedStreams,
  detectStreamResets,
} from './detect-streams.js';

/** Every per-connection detector, in the order their diagnostics are emitted (docs/analysis.md). */
export const CONNECTION_DETECTORS: readonly ConnectionDetector[] = [
  detectGoawayErrors,
  detectRefusedByGoaway,
  detectGracefulShutdown,
  detectOverruns,
  detectStarvation,
  detectUnacknowledgedSettings,
  detectFrequentPings,
  detectUnansweredPings,
  detectIdleDrop,
  detectBadStates,
  detectConcurrency,
  detectRefusedStreams,
  detectStreamResets,
  detectDeadlineExceeded,
  detectDeadlineOverrun,
  detectClientCancel,
];
