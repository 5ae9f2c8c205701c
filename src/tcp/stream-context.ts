import { diag } from '../diagnostics/make.js';
import { TCP_DIAGNOSTICS, type TcpDiagnosticCode } from '../diagnostics/tcp.js';
import { formatEndpoint } from '../net/types.js';
import type { Dir, TcpConnectionInfo, TcpEvent } from './types.js';

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

/** The per-direction limits of FlowTableOptions, resolved: one object shared by every connection. */
export interface ReassemblyLimits {
  maxBufferedBytes: number;
  /** Out-of-order segments held: bounds the cost of sorted insertion (gopacket caps pages likewise). */
  maxBufferedSegments: number;
  /** Packets of the connection after an ACK beyond a hole before the hole is declared lost. */
  ackGracePackets: number;
  /** Capture seconds after an ACK beyond a hole before the hole is declared lost. */
  ackGraceSeconds: number;
}

/**
 * What a half stream reads of its connection: its identity (for diagnostics) and the shared limits. The
 * connection itself, not a context object per direction: two objects less per open connection.
 */
export interface HalfStreamOwner {
  readonly info: TcpConnectionInfo;
  readonly limits: ReassemblyLimits;
}

/** Names of one direction for diagnostics, made when a diagnostic is (rare), not kept per direction. */
export interface HalfStreamContext {
  conn: string;
  dir: Dir;
  /** "client->server" or "server->client", for diagnostics. */
  direction: string;
  /** "10.0.0.1:50000 -> 10.0.0.2:80", for diagnostics. */
  flow: string;
}

/** The names of direction `dir` of a connection (endpoints formatted here: only diagnostics read them). */
export function halfStreamContext(info: TcpConnectionInfo, dir: Dir): HalfStreamContext {
  const a = formatEndpoint(info.a);
  const b = formatEndpoint(info.b);
  return {
    conn: info.id,
    dir,
    direction: dir === 0 ? 'client->server' : 'server->client',
    flow: dir === 0 ? `${a} -> ${b}` : `${b} -> ${a}`,
  };
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
