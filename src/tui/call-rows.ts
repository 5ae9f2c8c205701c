/** The Calls table: its columns, and a row for a gRPC call or a (non-gRPC) HTTP/2 request. */
import type { HttpRequestRow } from '../model/store-requests.js';
import type { CallRow } from '../model/store-calls.js';
import type { CallColumn } from '../model/store-selectors.js';
import type { CaptureStore } from '../model/store.js';
import { methodText, outcomeRole, statusRole, statusText } from './call-style.js';
import { rowLine, type Cells, type Column } from './columns.js';
import type { Clock } from './clock.js';
import { bytes, duration, safe } from './format.js';
import type { Line } from './lines.js';
import { truncateStart } from './text-width.js';
import type { Role } from './theme.js';

export const CALL_TABLE: Column<CallColumn>[] = [
  { id: 'time', title: 'time', width: 10, align: 'right' },
  { id: 'connection', title: 'conn', width: 5, drop: 3, fit: true },
  { id: 'stream', title: 'stream', width: 6, align: 'right', drop: 2, fit: true },
  { id: 'method', title: 'method', width: 18, flex: true },
  { id: 'status', title: 'status', width: 21, fit: true },
  { id: 'outcome', title: 'outcome', width: 15, fit: true },
  { id: 'duration', title: 'duration', width: 8, align: 'right', fit: true },
  /** Request/response message counts; sorts by requests. */
  { id: 'requests', title: 'msgs', width: 7, align: 'right', drop: 5, fit: true },
  { id: 'bytes', title: 'bytes', width: 8, align: 'right', drop: 6, fit: true },
];

/** The table with its time column as wide and titled as the clock's format needs. */
export function withClock<Id extends string>(cols: Column<Id>[], clock: Clock): Column<Id>[] {
  return cols.map((c) => (c.id === 'time' ? { ...c, width: clock.width, title: clock.title } : c));
}

export function captureStart(store: CaptureStore): number | null {
  return store.captureRecord?.start ?? (store.frames.count > 0 ? store.frames.time.get(0) : null);
}

function methodWidth(cols: Column<CallColumn>[]): number {
  return cols.find((col) => col.id === 'method')?.width ?? 20;
}

export function callLine(c: CallRow, cols: Column<CallColumn>[], clock: Clock, prev: number | null): Line {
  const cells = callCells(c, clock, prev);
  return rowLine(cols, methodFitted(cells, cols).values, cells.roles);
}

/**
 * A long method loses its start ("…Service/Method"), not its end: cut to the method column once the
 * columns are laid out.
 */
export function methodFitted(cells: Cells<CallColumn>, cols: Column<CallColumn>[]): Cells<CallColumn> {
  const m = cells.values.method ?? '';
  return { ...cells, values: { ...cells.values, method: truncateStart(m, methodWidth(cols)) } };
}

export function callCells(c: CallRow, clock: Clock, prev: number | null): Cells<CallColumn> {
  return {
    values: {
      time: clock.text(c.start, prev),
      connection: c.connection,
      stream: String(c.stream),
      method: safe(methodText(c)),
      status: statusText(c),
      outcome: c.outcome,
      duration: duration(c.durationMs),
      requests: `${c.requestCount}/${c.responseCount}`,
      bytes: bytes(c.requestBytes + c.responseBytes),
    },
    roles: { status: statusRole(c.status), outcome: outcomeRole(c.outcome), time: 'dim' },
  };
}

/** HTTP status classes (RFC 9110 §15): 2xx fine, 4xx the client's problem, 5xx the server's. */
export function httpStatusRole(status: number | null): Role {
  if (status === null) return 'dim';
  if (status >= 500) return 'error';
  if (status >= 400) return 'warning';
  return 'ok';
}

export function requestLine(
  r: HttpRequestRow,
  cols: Column<CallColumn>[],
  clock: Clock,
  prev: number | null,
): Line {
  const cells = requestCells(r, clock, prev);
  return rowLine(cols, methodFitted(cells, cols).values, cells.roles);
}

export function requestCells(r: HttpRequestRow, clock: Clock, prev: number | null): Cells<CallColumn> {
  return {
    values: {
      time: clock.text(r.start, prev),
      connection: r.connection,
      stream: String(r.stream),
      method: safe(r.request),
      status: r.status === null ? '-' : `HTTP ${r.status}`,
      outcome: r.resetCode ? `reset ${r.resetCode}` : r.outcome,
      duration: duration(r.durationMs),
      requests: '-',
      bytes: bytes(r.bytes),
    },
    roles: { status: httpStatusRole(r.status), outcome: r.outcome === 'ok' ? 'ok' : 'error', time: 'dim' },
  };
}

/** What a plain-word filter searches in a request row. */
export function requestText(r: HttpRequestRow): string {
  return [r.connection, `s${r.stream}`, r.request, r.status ?? '', r.outcome, r.authority ?? ''].join(' ');
}
