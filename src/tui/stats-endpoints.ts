/**
 * Stats, third table: endpoints and conversations (servers, client hosts, connections) with their
 * connections, calls, errors, bytes each way, and their share of the calls of their role as a bar, so a
 * server or a connection that takes most of the calls stands out. Enter lists their calls.
 */
import { splitEndpoint } from '../filter/endpoint.js';
import { selectEndpointRows, type EndpointStats } from '../model/select-stats-endpoints.js';
import type { StatsIndex } from '../model/select-stats.js';
import { relaysOf } from '../model/store-relays.js';
import type { EndpointColumn } from '../model/select-stats-sort.js';
import type { SortSpec } from '../model/store-selectors.js';
import type { CaptureStore } from '../model/store.js';
import { layoutColumns, rowLine, type Column } from './columns.js';
import { bytes, count, safe } from './format.js';
import { seg } from './lines.js';
import { quoted, shareBar, type StatsTable } from './stats-table.js';
import { truncate, truncateStart } from './text-width.js';

const BAR = 10;

const ENDPOINT_TABLE: Column<EndpointColumn>[] = [
  { id: 'role', title: 'role', width: 10 },
  { id: 'name', title: 'endpoint', width: 20, flex: true },
  { id: 'connections', title: 'conns', width: 5, align: 'right', drop: 3 },
  { id: 'calls', title: 'calls', width: 6, align: 'right' },
  { id: 'errors', title: 'errors', width: 7, align: 'right' },
  { id: 'sent', title: 'sent', width: 8, align: 'right', drop: 2 },
  { id: 'received', title: 'received', width: 9, align: 'right', drop: 1 },
  { id: 'share', title: 'share of calls', width: BAR + 5 },
];

/** The display filter for an endpoint's calls (connection fields: known once the connection ended). */
function endpointFilter(r: EndpointStats): string {
  if (r.connection !== null) return `conn.id == ${quoted(r.connection)}`;
  const parts: string[] = [];
  const ip = r.client === null ? null : splitEndpoint(r.client)?.ip;
  if (ip) parts.push(`conn.client.ip == ${quoted(ip)}`);
  if (r.server !== null) parts.push(`conn.server == ${quoted(r.server)}`);
  return parts.join(' && ');
}

export function endpointsTable(
  store: CaptureStore,
  index: StatsIndex,
  sort: SortSpec<EndpointColumn>,
  width: number,
): StatsTable {
  const rows = selectEndpointRows(store, index, sort);
  const cols = layoutColumns(ENDPOINT_TABLE, width - 1);
  const nameWidth = cols.find((c) => c.id === 'name')?.width ?? 20;
  const servers = rows.filter((r) => r.role === 'server').length;
  const clients = rows.filter((r) => r.role === 'client').length;
  const unknown = rows.some((r) => r.bytesUnknown > 0);
  const legs = relaysOf(store).legCount;
  return {
    info:
      `${count(servers)} servers · ${count(clients)} client hosts · ${count(rows.length - servers - clients)} connections` +
      // Each connection counts the calls it carried, as --summary's connection table: a relayed call on both.
      (legs > 0 ? ` · ${count(legs)} relayed calls also on the proxy's backend connections` : ''),
    columns: cols,
    count: rows.length,
    line: (i) => {
      const r = rows[i]!;
      const pct = `${Math.round(r.share * 100)}%`.padStart(4);
      return rowLine(
        cols,
        {
          role: r.role,
          name:
            r.role === 'connection'
              ? truncate(safe(r.name), nameWidth)
              : truncateStart(safe(r.name), nameWidth),
          connections: count(r.connections),
          calls: count(r.calls),
          errors: count(r.errors),
          sent: bytes(r.sent) + (r.bytesUnknown > 0 ? '+' : ''),
          received: bytes(r.received) + (r.bytesUnknown > 0 ? '+' : ''),
          share: `${pct} ${shareBar(r.share, BAR)}`,
        },
        {
          role: r.role === 'server' ? 'server' : r.role === 'client' ? 'client' : 'dim',
          name: r.role === 'connection' ? 'dim' : undefined,
          errors: r.errors > 0 ? 'error' : 'dim',
          share: 'accent',
        },
      );
    },
    open: (i) => ({ kind: 'list', screen: 'calls', filter: endpointFilter(rows[i]!) }),
    isError: (i) => rows[i]!.errors > 0,
    detail: (i) => {
      const r = rows[i]!;
      const conns = r.role === 'connection' ? '' : ` · ${count(r.connections)} connections`;
      return `${r.role} ${safe(r.name)}${conns} · ${count(r.calls)} calls (${Math.round(r.share * 100)}% of all) · ${count(r.errors)} not ok`;
    },
    notes: [
      [
        seg(
          'client hosts: by address (ports change per connection) · bytes: TCP payload · share: of its role' +
            (unknown ? ' · +: connections still open' : ''),
          'dim',
        ),
      ],
    ],
    empty: 'No connection with known endpoints yet.',
  };
}
