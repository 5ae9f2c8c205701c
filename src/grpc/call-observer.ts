/**
 * The gRPC layer as an engine observer (src/engine/observer.ts): one GrpcCallTracker per connection,
 * fed every HTTP/2 event in capture order. Calls leave as soon as they end; calls still open when the
 * connection ends are finished then, with the connection record's end time and end reason ('capture-end'
 * leaves them 'incomplete', a FIN or RST makes them 'connection-closed').
 */
import { DecompressionBudget } from './compression.js';
import type {
  ConnectionObserver,
  ConnectionObserverFactory,
  ObservedEvent,
  ObserverOutput,
} from '../engine/observer.js';
import type { ConnectionRecord } from '../records/records.js';
import type { TcpConnectionInfo, TcpEndReason } from '../tcp/types.js';
import { GrpcCallTracker, type GrpcCallTrackerOptions } from './call-tracker.js';
import { GrpcWebH1Exchanges } from './grpc-web-h1.js';
import type { GrpcSchema } from './schema.js';

/** Tracker limits (see GrpcCallTrackerOptions); the schema and connection come from the pipeline. */
export type GrpcObserverOptions = Omit<GrpcCallTrackerOptions, 'connection' | 'schema' | 'decodeAsPort'> & {
  /** --decode-as PORT=grpc ports: on a connection to or from one, every stream is a gRPC call. */
  grpcPorts?: readonly number[];
};

export class GrpcCallObserver implements ConnectionObserver {
  /**
   * Made at the first frame that can concern a call: a connection that only exchanged SETTINGS (an idle
   * channel, left open for hours) costs no tracker, whose maps and configuration were most of this
   * observer's memory.
   */
  private tracker: GrpcCallTracker | null = null;
  /** gRPC-Web over HTTP/1.1: the connection's exchanges, fed to the same tracker. */
  private web: GrpcWebH1Exchanges | null = null;

  /**
   * @param options shared by every connection of the capture (not copied per connection: an idle open
   * connection keeps this observer for as long as it lives)
   * @param decodeAsPort this connection's --decode-as port, when it differs from `options`'
   */
  constructor(
    private readonly connection: string,
    private readonly schema: GrpcSchema | null,
    private readonly options: Omit<GrpcCallTrackerOptions, 'connection' | 'schema'> = {},
    private readonly decodeAsPort: number | null = options.decodeAsPort ?? null,
  ) {}

  event(ev: ObservedEvent): ObserverOutput[] {
    // Calls from observers before this one are not HTTP/2 events; the tracker only reads frames.
    if (ev.kind === 'call' || ev.kind === 'tcp-close') return [];
    if (ev.kind === 'http1-message') {
      this.web ??= new GrpcWebH1Exchanges(this.connection, () => (this.tracker ??= this.newTracker()));
      return this.web.push(ev);
    }
    if (this.tracker === null) {
      if (ev.kind !== 'frame' || !CALL_FRAMES.has(ev.frame.type)) return [];
      this.tracker = this.newTracker();
    }
    return this.tracker.push(ev);
  }

  private newTracker(): GrpcCallTracker {
    const { connection, schema, decodeAsPort } = this;
    return new GrpcCallTracker({ ...this.options, connection, schema, decodeAsPort });
  }

  end(record: ConnectionRecord, reason: TcpEndReason): { outputs: ObserverOutput[] } {
    return { outputs: this.tracker?.finish(record.end, reason) ?? [] };
  }
}

/** The factory the pipeline registers: one observer per TCP connection, all sharing one loaded schema. */
/** The frames GrpcCallTracker.push() reads (it ignores SETTINGS, PING, WINDOW_UPDATE, ...). */
const CALL_FRAMES: ReadonlySet<string> = new Set(['HEADERS', 'CONTINUATION', 'DATA', 'RST_STREAM', 'GOAWAY']);

export function grpcObserverFactory(
  schema: GrpcSchema | null,
  options: GrpcObserverOptions = {},
): ConnectionObserverFactory {
  const { grpcPorts = [], ...limits } = options;
  const ports = new Set(grpcPorts);
  // One per factory, that is per capture: every connection's messages draw on it.
  limits.decompressionBudget ??= new DecompressionBudget();
  return (conn: TcpConnectionInfo) =>
    new GrpcCallObserver(conn.id, schema, limits, decodeAsPort(conn, ports));
}

/**
 * The --decode-as port of a connection: the server side's (`b` by the TCP layer's client rule), else the
 * other side's, since mid-connection the TCP layer may have guessed the roles the wrong way round.
 */
function decodeAsPort(conn: TcpConnectionInfo, ports: ReadonlySet<number>): number | null {
  if (ports.size === 0) return null;
  if (ports.has(conn.b.port)) return conn.b.port;
  return ports.has(conn.a.port) ? conn.a.port : null;
}
