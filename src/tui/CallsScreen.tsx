import { Box } from 'ink';
import { useMemo } from 'react';
import type { CallRecord } from '../model/records.js';
import { callFailed, messageBytes, selectCallRows, type CallColumn } from '../model/store-selectors.js';
import type { CaptureStore } from '../model/store.js';
import { methodText, outcomeRole, statusRole, statusText } from './call-style.js';
import { headerLine, layoutColumns, rowLine, type Column } from './columns.js';
import { bytes, count, duration, relativeTime, safe } from './format.js';
import type { Line } from './lines.js';
import { LineView } from './LineView.js';
import { Rows } from './Rows.js';
import { truncateStart } from './text-width.js';
import { connectionContext, type ScreenProps } from './screen-props.js';
import { TitleBar } from './TitleBar.js';
import { useFilter } from './use-filter.js';
import { usePublishCtx } from './view-ctx.js';
import { windowOf } from './window.js';

const COLUMNS: Column<CallColumn>[] = [
  { id: 'time', title: 'time', width: 10, align: 'right' },
  { id: 'connection', title: 'conn', width: 5, drop: 3 },
  { id: 'stream', title: 'stream', width: 6, align: 'right', drop: 2 },
  { id: 'method', title: 'method', width: 18, flex: true },
  { id: 'status', title: 'status', width: 21 },
  { id: 'outcome', title: 'outcome', width: 15 },
  { id: 'duration', title: 'duration', width: 8, align: 'right' },
  /** Request/response message counts; sorts by requests. */
  { id: 'requests', title: 'msgs', width: 7, align: 'right', drop: 5 },
  { id: 'bytes', title: 'bytes', width: 8, align: 'right', drop: 6 },
];

export function callLine(c: CallRecord, cols: Column<CallColumn>[], start: number | null): Line {
  const methodWidth = cols.find((col) => col.id === 'method')?.width ?? 20;
  return rowLine(
    cols,
    {
      time: relativeTime(c.start, start),
      connection: c.connection,
      stream: String(c.stream),
      method: truncateStart(safe(methodText(c)), methodWidth),
      status: statusText(c),
      outcome: c.outcome,
      duration: duration(c.durationMs),
      requests: `${c.requestCount}/${c.responseCount}`,
      bytes: bytes(messageBytes(c.requests) + messageBytes(c.responses)),
    },
    { status: statusRole(c.status), outcome: outcomeRole(c.outcome), time: 'dim' },
  );
}

export function captureStart(store: CaptureStore): number | null {
  return store.captureRecord?.start ?? (store.frames.count > 0 ? store.frames.time.get(0) : null);
}

export function CallsScreen({ store, view, width, height }: ScreenProps<'calls'>) {
  const filter = useFilter(view.filter);
  // Calls are append-only: re-sort when one arrives, not on every frame of a live capture (100k calls
  // take ~200 ms to sort); once more when loading ends, for filters on connection fields.
  const total = store.calls.length;
  const rows = useMemo(
    () => selectCallRows(store, view.sort, (c) => filter.call(c, connectionContext(store, c.connection))),
    [store, total, store.load.phase, view.sort, filter],
  );
  const page = Math.max(1, height - 2);
  const cols = layoutColumns(COLUMNS, width);
  const win = windowOf(view.lists[0], rows.length, page);
  const calls = store.calls;
  usePublishCtx({
    count: rows.length,
    page,
    open: (r) => ({ kind: 'call', call: rows[r]! }),
    isError: (r) => callFailed(calls[rows[r]!]!),
    connectionOf: (r) => store.connectionById(calls[rows[r]!]!.connection)?.ordinal ?? null,
  });
  const start = captureStart(store);
  const lines: Line[] = [];
  for (let i = win.top; i < win.end; i++) lines.push(callLine(calls[rows[i]!]!, cols, start));
  const failed = useMemo(() => calls.filter(callFailed).length, [calls, total]);
  const info = `${count(rows.length)} of ${count(calls.length)} calls · ${count(failed)} failed`;
  return (
    <Box flexDirection="column" height={height}>
      <TitleBar title="Calls" info={info} filter={filter} width={width} />
      <LineView line={headerLine(cols, view.sort)} width={width} />
      {rows.length === 0 ? (
        <LineView line={[{ text: emptyText(store, calls.length), role: 'dim' }]} width={width} />
      ) : (
        <Rows lines={lines} width={width} height={page} selected={win.cursor - win.top} />
      )}
    </Box>
  );
}

function emptyText(store: CaptureStore, total: number): string {
  if (total > 0) return 'No call matches the filter (Esc clears it).';
  return store.load.phase === 'loading'
    ? 'No gRPC call yet…'
    : 'No gRPC calls in this capture (HTTP/2 frames: press 4).';
}
