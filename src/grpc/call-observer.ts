/**
 * The gRPC layer as an engine observer (src/engine/observer.ts): one GrpcCallTracker per connection,
 * fed every HTTP/2 event in capture order. Calls leave as soon as they end; calls still open when the
 * connection ends are finished then, with the connection record's end time and end reason ('capture-end'
 * leaves them 'incomplete', a FIN or RST makes them 'connection-closed').
 */
import type {
  ConnectionObserver,
  ConnectionObserverFactory,
  ObservedEvent,
  ObserverOutput,
} from '../engine/observer.js';
import type { ConnectionRecord } from '../model/records.js';
import type { TcpConnectionInfo, TcpEndReason } from '../tcp/types.js';
import { GrpcCallTracker, type GrpcCallTrackerOptions } from './call-tracker.js';
import type { GrpcSchema } from './schema.js';

/** Tracker limits (see GrpcCallTrackerOptions); the schema and connection come from the pipeline. */
export type GrpcObserverOptions = Omit<GrpcCallTrackerOptions, 'connection' | 'schema'>;

export class GrpcCallObserver implements ConnectionObserver {
  private readonly tracker: GrpcCallTracker;

  constructor(connection: string, schema: GrpcSchema | null, options: GrpcObserverOptions = {}) {
    this.tracker = new GrpcCallTracker({ ...options, connection, schema });
  }

  event(ev: ObservedEvent): ObserverOutput[] {
    // Calls from observers before this one are not HTTP/2 events; the tracker only reads frames.
    if (ev.kind === 'call' || ev.kind === 'tcp-close') return [];
    return this.tracker.push(ev);
  }

  end(record: ConnectionRecord, reason: TcpEndReason): { outputs: ObserverOutput[] } {
    return { outputs: this.tracker.finish(record.end, reason) };
  }
}

/** The factory the pipeline registers: one observer per TCP connection, all sharing one loaded schema. */
export function grpcObserverFactory(
  schema: GrpcSchema | null,
  options: GrpcObserverOptions = {},
): ConnectionObserverFactory {
  return (conn: TcpConnectionInfo) => new GrpcCallObserver(conn.id, schema, options);
}
