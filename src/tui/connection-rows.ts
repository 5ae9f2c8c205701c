import type { ConnectionColumn, ConnectionSummary } from '../model/store-selectors.js';
import { rowLine, type Cells, type Column } from './columns.js';
import { bytes, count, duration, safe } from './format.js';
import type { Line } from './lines.js';

export type ConnectionCol = ConnectionColumn | 'end';
type Col = ConnectionCol;

export const CONNECTION_TABLE: Column<Col>[] = [
  { id: 'id', title: 'id', width: 4 },
  // Both endpoints as wide as the visible ones, so "client → server" reads as one phrase at any width.
  { id: 'client', title: 'client', width: 23, fit: true },
  { id: 'server', title: '  server', width: 23, fit: true },
  { id: 'protocol', title: 'proto', width: 8, drop: 2, fit: true },
  { id: 'calls', title: 'calls', width: 6, align: 'right', fit: true },
  { id: 'errors', title: 'errors', width: 6, align: 'right', fit: true },
  { id: 'bytes', title: 'bytes', width: 8, align: 'right', drop: 4, fit: true },
  { id: 'duration', title: 'duration', width: 8, align: 'right', drop: 3, fit: true },
  { id: 'end', title: 'end', width: 11, drop: 5, fit: true },
];

/** The text a plain-word filter searches in a connection row. */
export function connectionShown(s: ConnectionSummary, endReason: string | null): string {
  return [s.id, s.client ?? '', s.server ?? '', s.protocol ?? '', endReason ?? 'open'].join(' ');
}

export function connectionLine(s: ConnectionSummary, endReason: string | null, cols: Column<Col>[]): Line {
  const c = connectionCells(s, endReason);
  return rowLine(cols, c.values, c.roles);
}

/** A connection row's cells (fitTable sizes the columns to them). */
export function connectionCells(s: ConnectionSummary, endReason: string | null): Cells<Col> {
  return {
    values: {
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
    roles: {
      errors: s.errors > 0 ? 'error' : 'dim',
      end: endReason === 'rst' ? 'warning' : 'dim',
      id: 'accent',
    },
  };
}
