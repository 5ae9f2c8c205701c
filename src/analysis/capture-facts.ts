import type { ConnectionRecord } from '../records/records.js';

/** What the whole-capture detectors keep of each connection: small, whatever the capture size. */
export interface ConnectionSummary {
  id: string;
  /** Client IP without the port ("127.0.0.1", "::1"). */
  clientIp: string;
  client: string;
  server: string;
  start: number;
  end: number;
  http2: boolean;
  /** gRPC calls, or else client-opened streams (requests). */
  calls: number;
  /** gRPC calls per service (never changed once summarised: connections without calls share one). */
  services: ReadonlyMap<string, number>;
  /** SYN answered by RST: one packet each way, no payload. */
  refused: boolean;
  /** Times of the GOAWAYs the server sent. */
  serverGoaways: number[];
  /** Closed by a peer (FIN or RST), not cut by the end of the capture or evicted: its end is a real close. */
  closed: boolean;
}

const NO_SERVICES: ReadonlyMap<string, number> = new Map();

export function summarize(
  rec: ConnectionRecord,
  services: Map<string, number> | undefined,
): ConnectionSummary {
  let grpcCalls = 0;
  if (services !== undefined) for (const n of services.values()) grpcCalls += n;
  const requests = rec.concurrency?.client.opened ?? 0;
  return {
    id: rec.id,
    clientIp: hostOf(rec.client),
    client: rec.client,
    server: rec.server,
    start: rec.start,
    end: rec.end,
    http2: rec.frameCount > 0 || rec.h2Detection !== null,
    calls: grpcCalls > 0 ? grpcCalls : requests,
    services: services ?? NO_SERVICES,
    refused:
      rec.clientRule === 'syn' &&
      rec.endReason === 'rst' &&
      rec.packets.client === 1 &&
      rec.packets.server === 1 &&
      rec.bytes.client === 0 &&
      rec.bytes.server === 0,
    serverGoaways: (rec.goaway ?? []).filter((g) => g.from === 'server').map((g) => g.time),
    closed: rec.endReason === 'fin' || rec.endReason === 'rst' || rec.endReason === 'port-reuse',
  };
}

/** "10.0.0.1:5000" -> "10.0.0.1"; "[::1]:50051" -> "::1" (formatEndpoint in src/net/types.ts). */
export function hostOf(endpoint: string): string {
  const v6 = /^\[(.*)\]:\d+$/.exec(endpoint);
  if (v6) return v6[1]!;
  const i = endpoint.lastIndexOf(':');
  return i < 0 ? endpoint : endpoint.slice(0, i);
}

/** Groups by a key, keeping insertion (capture) order. */
export function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    let list = out.get(k);
    if (list === undefined) out.set(k, (list = []));
    list.push(item);
  }
  return out;
}
