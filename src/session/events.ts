/**
 * What a connection's session hands the engine: HTTP/2 events, TCP closes and the finished connection
 * record. Its own module so the TLS layer and the session that owns it both import it (one direction).
 */
import type { H2Event } from '../h2/types.js';
import type { ConnectionRecord, Role } from '../records/records.js';
import type { Http1Message } from './http1-messages.js';

/** A side of the TCP connection closed (FIN) or aborted (RST): who closed first matters for diagnosis. */
export interface TcpCloseEvent {
  kind: 'tcp-close';
  from: Role;
  how: 'fin' | 'rst';
  time: number;
}

/**
 * A whole HTTP/1.1 message of a connection that carries HTTP/1.1 (requests and responses in order, so the
 * n-th response answers the n-th request): for the layers above that read HTTP/1.1 (gRPC-Web).
 */
export interface Http1MessageEvent {
  kind: 'http1-message';
  from: Role;
  message: Http1Message;
}

export type SessionEvent =
  H2Event | TcpCloseEvent | Http1MessageEvent | { kind: 'connection'; record: ConnectionRecord };
