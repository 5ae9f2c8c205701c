import type { ConnectionColumn, ConnectionSummary } from '../model/store-selectors.js';
import { rowLine, type Column } from './columns.js';
import { bytes, count, duration, safe } from './format.js';
import type { Line } from './lines.js';

type Col = ConnectionColumn | 'end';

export const CONNECTION_TABLE: Column<Col>[] = [
  { id: 'id', title: 'id', width: 4 },
  // The client is fixed (IPv4 endpoints fit) and the server flexes, so "client → server" reads as one phrase.
  { id: 'client', title: 'client', width: 23 },
  { id: 'server', title: '  server', width: 23, flex: true },
  { id: 'protocol', title: 'proto', width: 8, drop: 2 },
  { id: 'calls', title: 'calls', width: 6, align: 'right' },
  { id: 'errors', title: 'errors', width: 6, align: 'right' },
  { id: 'bytes', title: 'bytes', width: 8, align: 'right', drop: 4 },
  { id: 'duration', title: 'duration', width: 8, align: 'right', drop: 3 },
  { id: 'end', title: 'end', width: 11, drop: 5 },
];

/** The text a plain-word filter searches in a connection row. */
export function connectionShown(s: ConnectionSummary, endReason: string | null): string {
  return [s.id, s.client ?? '', s.server ?? '', s.protocol ?? '', endReason ?? 'open'].join(' ');
}

export function connectionLine(s: ConnectionSummary, endReason: string | null, cols: Column<Col>[]): Line {
  return rowLine(
    cols,
    {
      id: s.id,
      client: s.client ?? '(open)',
      server: s.server ? `→ ${s.server}` : '',
      protocol: safe(s.protocol ?? '…'),
      calls: count(s.calls),
      errors: count(s.errors),
      bytes: bytes(s.bytes),
      duration: duration(s.durationMs),
      end: endReason ?? 'open',
    },
    { errors: s.errors > 0 ? 'error' : 'dim', end: endReason === 'rst' ? 'warning' : 'dim', id: 'accent' },
  );
}
