/**
 * What a connection's session hands the engine: HTTP/2 events, TCP closes and the finished connection
 * record. Its own module so the TLS layer and the session that owns it both import it (one direction).
 */
import type { H2Event } from '../h2/types.js';
import type { ConnectionRecord, Role } from '../records/records.js';

/** A side of the TCP connection closed (FIN) or aborted (RST): who closed first matters for diagnosis. */
export interface TcpCloseEvent {
  kind: 'tcp-close';
  from: Role;
  how: 'fin' | 'rst';
  time: number;
}

export type SessionEvent = H2Event | TcpCloseEvent | { kind: 'connection'; record: ConnectionRecord };
