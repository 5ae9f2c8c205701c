import { DEFAULT_ABUSE_LIMITS, type AbuseLimits } from './abuse-limits.js';

/**
 * Limits and thresholds of the connection analysis, as options with documented defaults (docs/analysis.md).
 * Thresholds decide when a measurement becomes a diagnostic; caps bound the memory a connection record uses.
 */
export interface AnalysisOptions {
  /** Points kept per connection-level time series (windows, concurrency, HPACK) before halving. */
  maxSeriesPoints: number;
  /** Points kept per stream window series (there can be thousands of streams). */
  maxStreamSeriesPoints: number;
  /** Streams listed per connection record, with their history (the rest are counted in `streamsOmitted`). */
  maxStreams: number;
  /** Streams tracked per connection: past this, the oldest closed unlisted streams are forgotten. */
  maxTrackedStreams: number;
  /** PINGs listed per side, stalls listed per direction. */
  maxListed: number;
  /**
   * Calls with a deadline (or cancelled, or DEADLINE_EXCEEDED) kept per connection for the call detectors;
   * past it the oldest is judged at once and let go, so a connection that never ends stays bounded.
   */
  maxPendingCalls: number;
  /** A stream is starved when its DATA waited at least this long in total for window... */
  starvationMinMs: number;
  /** ...and that wait is at least this fraction of its transfer time. */
  starvationMinFraction: number;
  /**
   * A stream window set below the 65,535 default is too small, whatever the durations, when the sender ran
   * it dry at least this many times...
   */
  smallWindowMinStalls: number;
  /** ...and at least this fraction of the window-fulls it sent ended in a wait. */
  smallWindowMinShare: number;
  /** PINGs with no active stream closer together than this (median) are too frequent (gRPC keepalive). */
  idlePingMinIntervalMs: number;
  /** How many idle PINGs from one side it takes to judge their cadence. */
  idlePingMinCount: number;
  /** A PING is unanswered when no ACK came and the connection went on at least this long after it. */
  pingAckTimeoutMs: number;
  /** A connection closed without GOAWAY after this long without frames other than PING was dropped idle. */
  idleDropMinMs: number;
  /** SETTINGS unacknowledged while the connection went on this long after them. */
  settingsAckTimeoutMs: number;
  /** A call's frames this long past its deadline (plus 10 %) count as going on after it. */
  deadlineSlackMs: number;
  /** Connection churn: this many connections from one client to one server endpoint... */
  churnMinConnections: number;
  /** ...of which at least this fraction carried at most one call. */
  churnMinFraction: number;
  /** Many connections at once: this many open together from one client to one server endpoint... */
  burstMinConnections: number;
  /** ...all opened within this time... */
  burstWindowMs: number;
  /**
   * ...and a storm, not a channel pool opening: at least half of them closed within this long of opening
   * having carried at most `burstFewCalls` calls, or at least half as many of the pair's other connections
   * closed within this long before the first of them opened (a reconnect wave), or they are at least
   * `burstStormConnections`.
   */
  burstEvidenceMs: number;
  burstFewCalls: number;
  burstStormConnections: number;
  /** Load imbalance: at least this many calls of one service... */
  imbalanceMinCalls: number;
  /** ...and the busiest endpoint (or connection) has at least this many times the calls of the quietest. */
  imbalanceMinRatio: number;
  /**
   * Imbalance is also judged over the last this-many milliseconds of capture time, as the capture goes on
   * (live-imbalance.ts), once the capture is that long.
   */
  imbalanceWindowMs: number;
  /**
   * Whole-capture detectors: connections kept in detail (times, services, GOAWAYs) for bursts, pinned
   * calls, median lives and evidence lists. Past it, connections are only counted.
   */
  captureMaxConnections: number;
  /** Client host / server endpoint pairs and service / server pairs counted; past it, new ones are not. */
  captureMaxKeys: number;
  /** Abuse and overload patterns (abuse-limits.ts, where each default names its source). */
  abuse: AbuseLimits;
}

export const DEFAULT_ANALYSIS_OPTIONS: AnalysisOptions = {
  maxSeriesPoints: 512,
  maxStreamSeriesPoints: 64,
  maxStreams: 1_000,
  maxTrackedStreams: 10_000,
  maxListed: 1_000,
  maxPendingCalls: 1_000,
  starvationMinMs: 100,
  starvationMinFraction: 0.1,
  smallWindowMinStalls: 4,
  smallWindowMinShare: 0.5,
  idlePingMinIntervalMs: 10_000,
  idlePingMinCount: 3,
  pingAckTimeoutMs: 1_000,
  idleDropMinMs: 30_000,
  settingsAckTimeoutMs: 1_000,
  deadlineSlackMs: 20,
  churnMinConnections: 5,
  churnMinFraction: 0.8,
  burstMinConnections: 8,
  burstWindowMs: 1_000,
  burstEvidenceMs: 10_000,
  burstFewCalls: 3,
  burstStormConnections: 100,
  imbalanceMinCalls: 10,
  imbalanceMinRatio: 4,
  imbalanceWindowMs: 60_000,
  captureMaxConnections: 10_000,
  captureMaxKeys: 10_000,
  abuse: DEFAULT_ABUSE_LIMITS,
};

export function analysisOptions(partial: Partial<AnalysisOptions> = {}): AnalysisOptions {
  const abuse = { ...DEFAULT_ABUSE_LIMITS, ...partial.abuse };
  return { ...DEFAULT_ANALYSIS_OPTIONS, ...partial, abuse };
}
