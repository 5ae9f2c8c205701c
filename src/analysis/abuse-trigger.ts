import type { FrameRecord } from '../records/records.js';
import type { SideCounts } from './abuse.js';
import type { AbuseLimits } from './abuse-limits.js';
import type { TokenBucket } from './token-bucket.js';
import { grouped } from '../records/number-text.js';

export type TriggerKind =
  | 'pings'
  | 'resets'
  | 'settings'
  | 'continuations'
  | 'hpack'
  | 'empty-frames'
  | 'window-updates'
  | 'load'
  | 'unknown';

/** What most likely made a side send its GOAWAY: one of the other side's patterns, with its evidence. */
export interface CalmTrigger {
  kind: TriggerKind;
  /** 0..1: how close the pattern came to its limit when the GOAWAY was sent (1: at or past it). */
  pressure: number;
  /** "3,800 PINGs in 12 ms (316,667 per second)", in plain words. */
  evidence: string;
  /** The setting of the GOAWAY's sender that most likely fired. */
  enforcement: string;
}

/** Below this pressure nothing the peer sent stands out: the trigger is unknown (or plain load). */
const MIN_PRESSURE = 0.2;
/** A pattern this close to its limit is the trigger, however fast streams were opened. */
const ABUSE_PRESSURE = 0.5;

const ENFORCEMENT: Record<TriggerKind, string> = {
  pings:
    'its PING policy (gRPC GRPC_ARG_HTTP2_MAX_PING_STRIKES and minimum PING interval, grpc-go ' +
    'EnforcementPolicy, nghttp2 max outbound ACKs)',
  resets:
    'its stream reset rate limit (nghttp2_option_set_stream_reset_rate_limit, Node streamResetBurst/Rate; ' +
    'Envoy premature resets)',
  settings: 'its control frame queue limit (nghttp2 max outbound ACKs, Envoy max_outbound_control_frames)',
  continuations: 'its CONTINUATION limit (nghttp2_option_set_max_continuations, Go MaxHeaderBytes)',
  hpack: 'its header list limit (SETTINGS_MAX_HEADER_LIST_SIZE, Envoy max_request_headers_kb)',
  'empty-frames': 'its empty frame limit (Envoy max_consecutive_inbound_frames_with_empty_payload)',
  'window-updates': 'its WINDOW_UPDATE limit (Envoy max_inbound_window_update_frames_per_data_frame_sent)',
  load:
    'its load or stream limits (SETTINGS_MAX_CONCURRENT_STREAMS, Envoy overload manager, Node ' +
    'maxSessionRejectedStreams)',
  unknown: 'a limit the frames do not show (its logs should say)',
};

/**
 * Classifies a GOAWAY from one side by the other side's recent traffic (`peer`): each pattern's pressure is
 * how empty its token bucket was at the GOAWAY (recent bursts count, old ones have refilled), or how far
 * past its count limit it went; the strongest wins. Debug data naming PINGs ("too_many_pings") decides.
 */
export function classifyTrigger(goaway: FrameRecord, peer: SideCounts, limits: AbuseLimits): CalmTrigger {
  const t = goaway.time;
  const candidates: Array<{ kind: TriggerKind; pressure: number; evidence: string }> = [];
  const bucket = (kind: TriggerKind, b: TokenBucket | null, what: string): void => {
    if (b === null) return;
    const pressure = b.pressure(t);
    const evidence = `${fmt(b.episodeEvents)} ${what} in ${fmt(spanMs(b, t))} ms (${fmt(b.episodeRate(t))} per second)`;
    candidates.push({ kind, pressure, evidence });
  };
  if (/ping/i.test(goaway.debugData ?? '')) {
    const pings = peer.pings;
    const evidence = pings === null ? 'its debug data names PINGs' : `${fmt(pings.total)} PINGs in all`;
    return { kind: 'pings', pressure: 1, evidence, enforcement: ENFORCEMENT.pings };
  }
  bucket('pings', peer.pings, 'PINGs');
  bucket('resets', peer.resets, `streams reset before an answer (of ${fmt(peer.opened)} opened)`);
  bucket('settings', peer.settings, 'SETTINGS frames');
  bucket('empty-frames', peer.empty, 'empty frames');
  if (peer.maxContinuations > 0) {
    const pressure = Math.min(1, peer.maxContinuations / (limits.maxContinuations + 1));
    const evidence = `${fmt(peer.maxContinuations)} CONTINUATION frames in one header block`;
    candidates.push({ kind: 'continuations', pressure, evidence });
  }
  if (peer.bombs > 0 && peer.largestBomb !== null) {
    const b = peer.largestBomb;
    const evidence = `${fmt(peer.bombs)} HPACK bomb(s), ${fmt(b.blockBytes)} bytes decoding to ${fmt(b.size)}`;
    candidates.push({ kind: 'hpack', pressure: 1, evidence });
  }
  if (peer.windowUpdates >= limits.windowUpdateMinCount) {
    const allowed = limits.windowUpdatesPerData * (1 + peer.dataFramesReceived);
    const pressure = Math.min(1, peer.windowUpdates / allowed / 2);
    const evidence = `${fmt(peer.windowUpdates)} WINDOW_UPDATEs for ${fmt(peer.dataFramesReceived)} DATA frames`;
    candidates.push({ kind: 'window-updates', pressure, evidence });
  }
  // A flood explains a GOAWAY better than the streams it came with (a reset flood opens streams fast too):
  // load is the answer only when no pattern was near its limit.
  const pattern = strongest(candidates);
  if (pattern === null || pattern.pressure < ABUSE_PRESSURE) bucket('load', peer.opens, 'streams opened');
  const best = strongest(candidates);
  if (best === null || best.pressure < MIN_PRESSURE) {
    const evidence =
      best === null ? 'nothing the peer sent stands out' : `the strongest pattern is weak: ${best.evidence}`;
    const pressure = round(best?.pressure ?? 0);
    return { kind: 'unknown', pressure, evidence, enforcement: ENFORCEMENT.unknown };
  }
  return { ...best, pressure: round(best.pressure), enforcement: ENFORCEMENT[best.kind] };
}

function strongest<T extends { pressure: number }>(list: readonly T[]): T | null {
  let best: T | null = null;
  for (const c of list) if (best === null || c.pressure > best.pressure) best = c;
  return best;
}

function spanMs(b: TokenBucket, t: number): number {
  return Math.max(0, (t - b.episodeStart) * 1000);
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

function fmt(n: number): string {
  return grouped(Math.round(n));
}
