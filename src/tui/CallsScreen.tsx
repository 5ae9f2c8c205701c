import { Box } from 'ink';
import { useMemo } from 'react';
import { mergeCallRows, selectHttpRequests, type CallRowRef } from '../model/store-requests.js';
import { CallRowIndex, storeCallFailed, type CallColumn } from '../model/store-selectors.js';
import type { CaptureStore } from '../model/store.js';
import { CALL_TABLE, callCells, methodFitted, requestCells, requestText, withClock } from './call-rows.js';
import { useClock } from './clock.js';
import { fitTable, headerLine, rowLine, type Cells } from './columns.js';
import type { RowFilter } from './filter-match.js';
import { count } from './format.js';
import type { Line } from './lines.js';
import { LineView } from './LineView.js';
import type { NavTarget } from './nav.js';
import type { View } from './nav-state.js';
import { Rows } from './Rows.js';
import { connectionContext, type ScreenProps } from './screen-props.js';
import { TitleBar } from './TitleBar.js';
import { useFilter } from './use-filter.js';
import { quoted } from './filter-match.js';
import { usePublishCtx } from './view-ctx.js';
import { windowOf } from './window.js';

/**
 * gRPC calls and other HTTP/2 requests, filtered and sorted. Calls are append-only: rows are recomputed
 * when a call arrives or a connection ends (its requests are known then), not on every frame of a live
 * capture (100k calls take ~200 ms to sort); once more when loading ends.
 */
function useCallRows(store: CaptureStore, sort: Extract<View, { kind: 'calls' }>['sort'], filter: RowFilter) {
  const calls = store.callCount;
  const ended = store.endedConnections;
  const requests = useMemo(() => selectHttpRequests(store), [store, ended, calls]);
  // One index per store, sort and filter, extended as calls arrive (CallRowIndex).
  const index = useMemo(
    () =>
      new CallRowIndex(
        sort,
        filter.kind === 'none' ? null : (c) => filter.call(c, connectionContext(store, c.connection)),
      ),
    // An expression may read connection fields that change when a connection ends: start over then.
    [store, sort, filter, filter.kind === 'expression' ? ended : 0],
  );
  const rows = useMemo(() => {
    const sorted = index.update(store);
    const keep = requests.filter((r) =>
      filter.kind === 'text'
        ? filter.line(requestText(r))
        : filter.frame(store.frames.record(r.firstFrame), connectionContext(store, r.connection)),
    );
    return mergeCallRows(store, sorted, keep, sort);
  }, [store, index, calls, requests, store.load.phase, sort, filter]);
  return { rows, requests };
}

export function CallsScreen({ store, view, width, height }: ScreenProps<'calls'>) {
  const filter = useFilter(view.filter);
  const { rows, requests } = useCallRows(store, view.sort, filter);
  const page = Math.max(1, height - 2);
  const clock = useClock(store);
  const win = windowOf(view.lists[0], rows.length, page);
  const calls = store.callCount;
  const failedOf = (r: CallRowRef): boolean =>
    r.kind === 'call' ? storeCallFailed(store, r.index) : requests[r.index]!.outcome !== 'ok';
  usePublishCtx({
    count: rows.length,
    page,
    open: (i) => openRow(rows[i]!, requests),
    isError: (i) => failedOf(rows[i]!),
    connectionOf: (i) => {
      const r = rows[i]!;
      return r.kind === 'call' ? store.callConnection(r.index) : requests[r.index]!.ordinal;
    },
    valueFilter: (i) => {
      const r = rows[i]!;
      if (r.kind !== 'call') return null;
      const method = store.callRow(r.index, false).method;
      return method ? `grpc.method == ${quoted(method)}` : null;
    },
    streamOf: (i) => {
      const r = rows[i]!;
      if (r.kind === 'call') {
        const c = store.callRow(r.index, false);
        return { connection: c.connection, stream: c.stream };
      }
      return { connection: requests[r.index]!.connection, stream: requests[r.index]!.stream };
    },
    pcapOf: (i) => {
      const r = rows[i]!;
      const id = r.kind === 'call' ? store.callRow(r.index, false).connection : requests[r.index]!.connection;
      return { connection: id, what: `connection ${id} (the call's)` };
    },
  });
  const startOf = (r: CallRowRef): number =>
    r.kind === 'call' ? store.callStart(r.index) : requests[r.index]!.start;
  const cells: Cells<CallColumn>[] = [];
  for (let i = win.top; i < win.end; i++) {
    const r = rows[i]!;
    const prev = i > 0 ? startOf(rows[i - 1]!) : null;
    cells.push(
      r.kind === 'call'
        ? callCells(store.callRow(r.index, false), clock, prev)
        : requestCells(requests[r.index]!, clock, prev),
    );
  }
  // Sized to the visible rows; the method (flexible) is cut from its start once its width is known.
  const { cols } = fitTable(withClock(CALL_TABLE, clock), width, cells);
  const lines: Line[] = cells.map((c) => rowLine(cols, methodFitted(c, cols).values, c.roles));
  const failed = useMemo(() => {
    let n = requests.filter((r) => r.outcome !== 'ok').length;
    for (let i = 0; i < calls; i++) if (storeCallFailed(store, i)) n++;
    return n;
  }, [store, calls, requests]);
  const unknown = store.unknownCallCount;
  const total = calls + requests.length;
  const mix = requests.length > 0 ? ` (${count(calls)} gRPC, ${count(requests.length)} HTTP)` : '';
  const unknownText = unknown > 0 ? ` · ${count(unknown)} status unknown` : '';
  const info = `${count(rows.length)} of ${count(total)} calls${mix} · ${count(failed)} failed${unknownText}`;
  return (
    <Box flexDirection="column" height={height}>
      <TitleBar title="Calls" info={info} filter={filter} width={width} />
      <LineView line={headerLine(cols, view.sort)} width={width} />
      {rows.length === 0 ? (
        <LineView line={[{ text: emptyText(store, calls + requests.length), role: 'dim' }]} width={width} />
      ) : (
        <Rows lines={lines} width={width} height={page} selected={win.cursor - win.top} />
      )}
    </Box>
  );
}

/** A call opens its detail; a plain HTTP request opens its connection's flow graph at its first frame. */
function openRow(r: CallRowRef, requests: ReturnType<typeof selectHttpRequests>): NavTarget {
  if (r.kind === 'call') return { kind: 'call', call: r.index };
  const q = requests[r.index]!;
  return { kind: 'connection', connection: q.ordinal, row: q.firstRow };
}

function emptyText(store: CaptureStore, total: number): string {
  if (total > 0) return 'Nothing matches the filter (Esc clears it).';
  return store.load.phase === 'loading'
    ? 'No call yet…'
    : 'No gRPC calls or HTTP/2 requests in this capture (frames: press 4).';
}
