import { diag } from '../diagnostics/make.js';
import { TCP_DIAGNOSTICS, type TcpDiagnosticCode } from '../diagnostics/tcp.js';
import type { Dir, TcpConnectionStats, TcpEvent } from './types.js';

/** The packet whose arrival makes bytes deliverable (a TcpSegment fits, so no allocation per packet). */
export interface Trigger {
  time: number;
  packetIndex: number;
}

/** Why a hole was declared lost (evidence `cause` of `tcp.gap`). */
export type GapCause = 'ack' | 'buffer-overflow' | 'rst' | 'capture-end' | 'port-reuse' | 'idle-evicted';

export const GAP_REASON: Record<GapCause, string> = {
  ack: 'the receiver acknowledged bytes the capture never saw',
  'buffer-overflow': 'the out-of-order buffer limit was exceeded',
  rst: 'the connection was reset with bytes missing',
  'capture-end': 'the capture ended with bytes missing',
  'port-reuse': 'the 4-tuple was reused by a new connection with bytes missing',
  'idle-evicted': 'the idle connection was evicted with bytes missing',
};

/** What a half stream knows about its connection: names for diagnostics, shared stats, limits. */
export interface HalfStreamContext {
  conn: string;
  dir: Dir;
  stats: TcpConnectionStats;
  /** "client->server" or "server->client", for diagnostics. */
  direction: string;
  /** "10.0.0.1:50000 -> 10.0.0.2:80", for diagnostics. */
  flow: string;
  maxBufferedBytes: number;
  /** Out-of-order segments held: bounds the cost of sorted insertion (gopacket caps pages likewise). */
  maxBufferedSegments: number;
  /** Packets of the connection after an ACK beyond a hole before the hole is declared lost. */
  ackGracePackets: number;
  /** Capture seconds after an ACK beyond a hole before the hole is declared lost. */
  ackGraceSeconds: number;
}

/** A tcp diagnostic event about one direction; `conn`, `direction` and `flow` join the params. */
export function streamDiagnostic(
  ctx: HalfStreamContext,
  code: TcpDiagnosticCode,
  params: Record<string, string | number>,
  t: Trigger,
): TcpEvent {
  const { conn, direction, flow } = ctx;
  const all = { conn, direction, flow, ...params };
  return {
    kind: 'diagnostic',
    diagnostic: diag(TCP_DIAGNOSTICS, code, all, { connection: conn, time: t.time }),
  };
}
