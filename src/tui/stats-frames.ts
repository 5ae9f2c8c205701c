/**
 * Stats, second table: HTTP/2 frames by type, per connection and direction (frames and bytes on the
 * wire, header included), the capture's totals first (connection "all"). Enter lists those frames.
 */
import { selectFrameTypeRows, type FrameTypeStats, type StatsIndex } from '../model/select-stats.js';
import type { FrameTypeColumn } from '../model/select-stats-sort.js';
import type { SortSpec } from '../model/store-selectors.js';
import type { CaptureStore } from '../model/store.js';
import { layoutColumns, rowLine, type Column } from './columns.js';
import { bytes, count, safe } from './format.js';
import { seg } from './lines.js';
import { quoted, type StatsTable } from './stats-table.js';

const FRAME_TYPE_TABLE: Column<FrameTypeColumn>[] = [
  { id: 'connection', title: 'conn', width: 5 },
  { id: 'type', title: 'type', width: 14 },
  { id: 'clientFrames', title: 'C→S frames', width: 11, align: 'right' },
  { id: 'clientBytes', title: 'C→S bytes', width: 10, align: 'right' },
  { id: 'serverFrames', title: 'S→C frames', width: 11, align: 'right' },
  { id: 'serverBytes', title: 'S→C bytes', width: 10, align: 'right' },
];

/** A frame type the display filter can name (an unknown type shows as "UNKNOWN(0x..)" and is left out). */
const NAMED_TYPE = /^[A-Z_]+$/;

function isErrorType(r: FrameTypeStats): boolean {
  return r.type === 'RST_STREAM' || r.type === 'GOAWAY';
}

export function framesTable(
  store: CaptureStore,
  index: StatsIndex,
  sort: SortSpec<FrameTypeColumn>,
  width: number,
): StatsTable {
  const rows = selectFrameTypeRows(index, sort);
  const cols = layoutColumns(FRAME_TYPE_TABLE, width - 1);
  const id = (r: FrameTypeStats): string =>
    r.connection < 0 ? 'all' : (store.connectionByOrdinal(r.connection)?.id ?? '?');
  const conns = new Set(rows.map((r) => r.connection)).size - 1;
  return {
    info: `${count(store.frames.count)} frames · ${count(Math.max(0, conns))} connections`,
    columns: cols,
    count: rows.length,
    line: (i) => {
      const r = rows[i]!;
      return rowLine(
        cols,
        {
          connection: id(r),
          type: safe(r.type),
          clientFrames: count(r.client.frames),
          clientBytes: bytes(r.client.bytes),
          serverFrames: count(r.server.frames),
          serverBytes: bytes(r.server.bytes),
        },
        {
          connection: r.connection < 0 ? 'accent' : 'dim',
          type: isErrorType(r) ? 'warning' : undefined,
          clientFrames: 'client',
          serverFrames: 'server',
        },
      );
    },
    open: (i) => {
      const r = rows[i]!;
      const type = NAMED_TYPE.test(r.type) ? `http2.type == ${r.type}` : null;
      const conn = r.connection < 0 ? null : `conn.id == ${quoted(id(r))}`;
      const filter = [conn, type].filter((x) => x !== null).join(' && ');
      return { kind: 'list', screen: 'frames', filter };
    },
    isError: (i) => isErrorType(rows[i]!),
    notes: [[seg('bytes: frame header (9) + payload, as on the wire · C→S: sent by the client', 'dim')]],
    empty: 'No HTTP/2 frames yet.',
  };
}
