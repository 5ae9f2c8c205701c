/**
 * The sortable columns of the Stats screen's tables (the navigation cycles through them with s and S) and
 * the stable sort the tables use.
 */
import { compare, type SortSpec } from './store-selectors.js';

export const METHOD_COLUMNS = [
  'method',
  'calls',
  'errors',
  'p50',
  'p90',
  'p99',
  'requestBytes',
  'responseBytes',
  'messages',
] as const;
export type MethodColumn = (typeof METHOD_COLUMNS)[number];

export const FRAME_TYPE_COLUMNS = [
  'connection',
  'type',
  'clientFrames',
  'clientBytes',
  'serverFrames',
  'serverBytes',
] as const;
export type FrameTypeColumn = (typeof FRAME_TYPE_COLUMNS)[number];

export const ENDPOINT_COLUMNS = [
  'role',
  'name',
  'connections',
  'calls',
  'errors',
  'sent',
  'received',
  'share',
] as const;
export type EndpointColumn = (typeof ENDPOINT_COLUMNS)[number];

/** Sortable columns of each Stats pane (methods, frame types, endpoints; the IO graph has none). */
export const STATS_COLUMNS: ReadonlyArray<readonly string[]> = [
  METHOD_COLUMNS,
  FRAME_TYPE_COLUMNS,
  ENDPOINT_COLUMNS,
  [],
  [],
];

/** Each pane's order when the screen opens: as --summary (most calls first), by connection, by role. */
export const STATS_SORTS: ReadonlyArray<SortSpec<string>> = [
  { column: 'calls', descending: true },
  { column: 'connection', descending: false },
  { column: 'role', descending: false },
  { column: '', descending: false },
  { column: '', descending: false },
];

/** A stable sort of `rows` (already in their tie order) by a key. */
export function sortBy<T>(rows: T[], key: (r: T) => number | string, descending: boolean): T[] {
  const sign = descending ? -1 : 1;
  const keyed = rows.map((r, i) => ({ r, i, k: key(r) }));
  keyed.sort((a, b) => sign * compare(a.k, b.k) || a.i - b.i);
  return keyed.map((x) => x.r);
}
