import { Box } from 'ink';
import { useMemo } from 'react';
import { mergeCallRows, selectHttpRequests, type CallRowRef } from '../model/store-requests.js';
import { callFailed, callStatusUnknown, selectCallRows } from '../model/store-selectors.js';
import type { CaptureStore } from '../model/store.js';
import { CALL_TABLE, callLine, captureStart, requestLine, requestText } from './call-rows.js';
import { headerLine, layoutColumns } from './columns.js';
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
import { usePublishCtx } from './view-ctx.js';
import { windowOf } from './window.js';

/**
 * gRPC calls and other HTTP/2 requests, filtered and sorted. Calls are append-only: rows are recomputed
 * when a call arrives or a connection ends (its requests are known then), not on every frame of a live
 * capture (100k calls take ~200 ms to sort); once more when loading ends.
 */
function useCallRows(store: CaptureStore, sort: Extract<View, { kind: 'calls' }>['sort'], filter: RowFilter) {
  const calls = store.calls.length;
  const ended = store.endedConnections;
  const requests = useMemo(() => selectHttpRequests(store), [store, ended, calls]);
  const rows = useMemo(() => {
    const sorted = selectCallRows(store, sort, (c) => filter.call(c, connectionContext(store, c.connection)));
    const keep = requests.filter((r) =>
      filter.kind === 'text'
        ? filter.line(requestText(r))
        : filter.frame(store.frames.record(r.firstFrame), connectionContext(store, r.connection)),
    );
    return mergeCallRows(store, sorted, keep, sort);
  }, [store, calls, requests, store.load.phase, sort, filter]);
  return { rows, requests };
}

export function CallsScreen({ store, view, width, height }: ScreenProps<'calls'>) {
  const filter = useFilter(view.filter);
  const { rows, requests } = useCallRows(store, view.sort, filter);
  const page = Math.max(1, height - 2);
  const cols = layoutColumns(CALL_TABLE, width);
  const win = windowOf(view.lists[0], rows.length, page);
  const calls = store.calls;
  const failedOf = (r: CallRowRef): boolean =>
    r.kind === 'call' ? callFailed(calls[r.index]!) : requests[r.index]!.outcome !== 'ok';
  usePublishCtx({
    count: rows.length,
    page,
    open: (i) => openRow(rows[i]!, requests),
    isError: (i) => failedOf(rows[i]!),
    connectionOf: (i) => {
      const r = rows[i]!;
      return r.kind === 'call'
        ? (store.connectionById(calls[r.index]!.connection)?.ordinal ?? null)
        : requests[r.index]!.ordinal;
    },
  });
  const start = captureStart(store);
  const lines: Line[] = [];
  for (let i = win.top; i < win.end; i++) {
    const r = rows[i]!;
    lines.push(
      r.kind === 'call'
        ? callLine(calls[r.index]!, cols, start)
        : requestLine(requests[r.index]!, cols, start),
    );
  }
  const failed = useMemo(
    () => calls.filter(callFailed).length + requests.filter((r) => r.outcome !== 'ok').length,
    [calls, calls.length, requests],
  );
  const unknown = useMemo(() => calls.filter(callStatusUnknown).length, [calls, calls.length]);
  const total = calls.length + requests.length;
  const mix = requests.length > 0 ? ` (${count(calls.length)} gRPC, ${count(requests.length)} HTTP)` : '';
  const unknownText = unknown > 0 ? ` · ${count(unknown)} status unknown` : '';
  const info = `${count(rows.length)} of ${count(total)} calls${mix} · ${count(failed)} failed${unknownText}`;
  return (
    <Box flexDirection="column" height={height}>
      <TitleBar title="Calls" info={info} filter={filter} width={width} />
      <LineView line={headerLine(cols, view.sort)} width={width} />
      {rows.length === 0 ? (
        <LineView
          line={[{ text: emptyText(store, calls.length + requests.length), role: 'dim' }]}
          width={width}
        />
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
