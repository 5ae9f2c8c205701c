/**
 * Endpoints and conversations, as Wireshark's Statistics menu has them, for calls: calls, errors and bytes
 * per server (ip:port), per client host (its ports are ephemeral: one per connection) and per TCP
 * conversation (a connection, as Wireshark's TCP conversations). `share` is a row's part of the calls of
 * its role, so one server or one connection taking most of the calls (a balancer that does not balance, a
 * client pinned to one connection) shows at a glance. Bytes are the
 * connection records' TCP payload bytes (Connections, --summary), known once a connection ended or sent a
 * snapshot.
 */
import type { StatsIndex } from './select-stats.js';
import { sortBy, type EndpointColumn } from './select-stats-sort.js';
import { compare, type SortSpec } from './store-selectors.js';
import { currentRecord, type CaptureStore } from './store.js';

export const ENDPOINT_ROLES = ['server', 'client', 'connection'] as const;
export type EndpointRole = (typeof ENDPOINT_ROLES)[number];

export interface EndpointStats {
  role: EndpointRole;
  /** "10.0.0.7:50051" (server), "10.0.0.9" / "[::1]" (client host), "c3 10.0.0.9:41000 → 10.0.0.7:50051". */
  name: string;
  /** The connection's id (role connection). */
  connection: string | null;
  /** An endpoint of the client and the server it stands for (filters are built from them). */
  client: string | null;
  server: string | null;
  connections: number;
  calls: number;
  errors: number;
  /** Bytes the endpoint sent and received (a conversation: client to server, server to client). */
  sent: number;
  received: number;
  /** Connections whose bytes are not known yet (open, without a snapshot). */
  bytesUnknown: number;
  /** Part of the calls of its role, 0..1. */
  share: number;
}

/** "10.0.0.9:41000" -> "10.0.0.9", "[::1]:41000" -> "[::1]". */
export function hostOf(endpoint: string): string {
  const colon = endpoint.lastIndexOf(':');
  return colon > 0 && !endpoint.endsWith(']') ? endpoint.slice(0, colon) : endpoint;
}

export function selectEndpoints(store: CaptureStore, index: StatsIndex): EndpointStats[] {
  const rows = new Map<string, EndpointStats>();
  const row = (
    role: EndpointRole,
    name: string,
    client: string | null,
    server: string | null,
  ): EndpointStats => {
    const key = `${role} ${name}`;
    let r = rows.get(key);
    if (!r) {
      const zero = { connections: 0, calls: 0, errors: 0, sent: 0, received: 0, bytesUnknown: 0, share: 0 };
      const connection = role === 'connection' ? name.slice(0, name.indexOf(' ')) : null;
      rows.set(key, (r = { role, name, connection, client, server, ...zero }));
    }
    return r;
  };
  for (const entry of store.connections) {
    const rec = currentRecord(entry);
    const client = rec?.client ?? entry.peers?.client ?? null;
    const server = rec?.server ?? entry.peers?.server ?? null;
    if (client === null || server === null) continue;
    const host = hostOf(client);
    const calls = index.connectionCalls(entry.ordinal);
    const sides: Array<[EndpointStats, 'client' | 'server']> = [
      [row('server', server, null, server), 'server'],
      [row('client', host, client, null), 'client'],
      [row('connection', `${entry.id} ${client} → ${server}`, client, server), 'client'],
    ];
    for (const [r, side] of sides) {
      r.connections++;
      r.calls += calls.calls;
      r.errors += calls.errors;
      if (!rec) r.bytesUnknown++;
      else {
        r.sent += side === 'client' ? rec.bytes.client : rec.bytes.server;
        r.received += side === 'client' ? rec.bytes.server : rec.bytes.client;
      }
    }
  }
  const totals = new Map<EndpointRole, number>();
  for (const r of rows.values()) totals.set(r.role, (totals.get(r.role) ?? 0) + r.calls);
  for (const r of rows.values()) {
    const total = totals.get(r.role) ?? 0;
    r.share = total > 0 ? r.calls / total : 0;
  }
  return [...rows.values()];
}

function endpointKey(r: EndpointStats, column: EndpointColumn): number | string {
  switch (column) {
    case 'role':
      return ENDPOINT_ROLES.indexOf(r.role);
    case 'name':
      return r.name;
    default:
      return r[column];
  }
}

/** Endpoints sorted by a column; ties: servers, then client hosts, then connections, most calls first. */
export function selectEndpointRows(
  store: CaptureStore,
  index: StatsIndex,
  sort: SortSpec<EndpointColumn>,
): EndpointStats[] {
  const rows = selectEndpoints(store, index).sort(
    (a, b) =>
      ENDPOINT_ROLES.indexOf(a.role) - ENDPOINT_ROLES.indexOf(b.role) ||
      b.calls - a.calls ||
      compare(a.name, b.name),
  );
  return sortBy(rows, (r) => endpointKey(r, sort.column), sort.descending);
}
