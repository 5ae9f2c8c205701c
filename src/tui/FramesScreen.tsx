import { Box } from 'ink';
import { followedStream } from './stream-filter.js';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { CaptureStore } from '../model/store.js';
import { FrameFilterIndex, frameIsError } from '../model/store-selectors.js';
import { withClock } from './call-rows.js';
import { useClock, type Clock } from './clock.js';
import { methodText } from './call-style.js';
import { fitTable, headerLine, type Cells, type Column } from './columns.js';
import { count, percent } from './format.js';
import { flagsShort, frameDetailLines, frameHexLines, frameRole, frameSummary } from './frame-lines.js';
import type { RowFilter } from './filter-match.js';
import { seg, type Line } from './lines.js';
import { LineView } from './LineView.js';
import { Rows } from './Rows.js';
import { connectionContext, type ScreenProps } from './screen-props.js';
import { TitleBar } from './TitleBar.js';
import { useFilter } from './use-filter.js';
import { usePublishCtx } from './view-ctx.js';
import { windowOf } from './window.js';

type Col = 'no' | 'time' | 'conn' | 'dir' | 'type' | 'stream' | 'length' | 'flags' | 'summary';

/**
 * Sized to the visible frames. The flags are never dropped (a SETTINGS ACK is only its flag): the frame
 * number and connection go first at 80 columns.
 */
const COLUMNS: Column<Col>[] = [
  { id: 'no', title: 'no', width: 7, align: 'right', drop: 4, fit: true },
  { id: 'time', title: 'time', width: 10, align: 'right' },
  { id: 'conn', title: 'conn', width: 4, drop: 3, fit: true },
  { id: 'dir', title: 'dir', width: 3 },
  { id: 'type', title: 'type', width: 13, fit: true },
  { id: 'stream', title: 'stream', width: 6, align: 'right', fit: true },
  { id: 'length', title: 'length', width: 6, align: 'right', drop: 2, fit: true },
  { id: 'flags', title: 'flags', width: 8, fit: true },
  { id: 'summary', title: 'summary', width: 20, flex: true },
];

/** Frames a filter tests per render: ~20-40 ms of work, so a filter over a million frames never blocks keys. */
const FILTER_STEP = 10_000;

/**
 * The filter's frame index, kept across renders and extended as frames arrive (live captures). A large
 * scan goes in steps of FILTER_STEP frames, one per render, each step scheduling the next.
 */
function useFrameIndex(store: CaptureStore, filter: RowFilter, version: number): FrameFilterIndex {
  const [step, setStep] = useState(0);
  const ref = useRef<{ filter: RowFilter; index: FrameFilterIndex } | null>(null);
  if (ref.current?.filter !== filter) {
    const keep =
      filter.kind === 'none' || filter.kind === 'error'
        ? null
        : (n: number): boolean => {
            const rec = store.frames.record(n);
            return filter.frame(rec, connectionContext(store, rec.connection));
          };
    ref.current = { filter, index: new FrameFilterIndex(keep) };
  }
  const index = ref.current.index;
  const count = store.frames.count;
  useMemo(() => index.update(count, FILTER_STEP), [index, count, version, step]);
  const pending = index.tested < count;
  useEffect(() => {
    if (!pending) return;
    const t = setTimeout(() => setStep((n) => n + 1), 0);
    return () => clearTimeout(t);
  }, [pending, step]);
  return index;
}

export function FramesScreen({ store, version, view, width, height }: ScreenProps<'frames'>) {
  const filter = useFilter(view.filter);
  const index = useFrameIndex(store, filter, version);
  const rowsCount = index.length;
  const listHeight = Math.max(3, Math.floor((height - 2) * 0.55));
  const paneHeight = Math.max(1, height - 3 - listHeight);
  const listWin = windowOf(view.lists[0], rowsCount, listHeight);
  const selected = rowsCount > 0 ? index.frameAt(listWin.cursor) : -1;
  const rec = selected >= 0 ? store.frames.record(selected) : null;
  const clock = useClock(store);
  const pane = paneLines(store, selected, view.pane === 2, clock);
  const paneWin = windowOf(view.lists[view.pane === 0 ? 1 : view.pane], pane.length, paneHeight);
  usePublishCtx(
    view.pane === 0
      ? {
          count: rowsCount,
          page: listHeight,
          open: () => ({ kind: 'pane', pane: 1 }),
          isError: (r) => frameIsError(store, index.frameAt(r)),
          connectionOf: (r) => store.frames.conn.get(index.frameAt(r)),
          hpackOf: (r) => (store.frames.headers(index.frameAt(r)) ? index.frameAt(r) : null),
          valueFilter: (r) => `http2.type == ${store.frames.typeName(index.frameAt(r))}`,
          streamOf: (r) => {
            const f = store.frames.record(index.frameAt(r));
            return { connection: f.connection, stream: f.stream };
          },
          pcapOf: (r) => {
            const id = store.frames.record(index.frameAt(r)).connection;
            // The Follow stream view (T) writes the stream: the packets that completed its frames.
            const st = followedStream(view.filter);
            if (st && st.connection === id && index.tested >= store.frames.count) {
              const packets = new Set<number>();
              for (let i = 0; i < index.length; i++) packets.add(store.frames.packet.get(index.frameAt(i)));
              return {
                connection: id,
                what: `stream ${st.stream} of ${id} (${count(index.length)} frames)`,
                packets: [...packets],
                name: `${id}-stream${st.stream}`,
              };
            }
            return { connection: id, what: `connection ${id} (the frame's)` };
          },
        }
      : { count: pane.length, page: paneHeight, hpackOf: () => (rec?.headers ? selected : null) },
  );
  const cells: Cells<Col>[] = [];
  for (let i = listWin.top; i < listWin.end; i++) {
    const prev = i > 0 ? store.frames.time.get(index.frameAt(i - 1)) : null;
    cells.push(frameCells(store, index.frameAt(i), clock, prev));
  }
  const { cols, lines } = fitTable(withClock(COLUMNS, clock), width, cells);
  const scanning =
    index.tested < store.frames.count ? ` · filtering ${percent(index.tested, store.frames.count)}…` : '';
  const info = `${count(rowsCount)} of ${count(store.frames.count)} frames${scanning}`;
  const paneTitle = view.pane === 2 ? 'Bytes' : 'Details';
  return (
    <Box flexDirection="column" height={height}>
      <TitleBar title="Frames" info={info} filter={filter} width={width} />
      <LineView line={headerLine(cols)} width={width} />
      {rowsCount === 0 ? (
        <Box height={listHeight}>
          <LineView
            line={[
              seg(
                store.frames.count > 0
                  ? 'No frame matches the filter (Esc clears it).'
                  : 'No HTTP/2 frame yet…',
                'dim',
              ),
            ]}
            width={width}
          />
        </Box>
      ) : (
        <Rows
          lines={lines}
          width={width}
          height={listHeight}
          selected={view.pane === 0 ? listWin.cursor - listWin.top : -1}
          marked={view.pane === 0 ? -1 : listWin.cursor - listWin.top}
        />
      )}
      <LineView
        line={[
          seg(`── ${paneTitle} `, view.pane === 0 ? 'dim' : 'accent', view.pane !== 0),
          seg('─'.repeat(Math.max(0, width - paneTitle.length - 4)), 'dim'),
        ]}
        width={width}
      />
      <Rows
        lines={pane.slice(paneWin.top, paneWin.end)}
        width={width}
        height={paneHeight}
        selected={view.pane === 0 ? -1 : paneWin.cursor - paneWin.top}
      />
    </Box>
  );
}

function paneLines(store: CaptureStore, frame: number, hex: boolean, clock: Clock): Line[] {
  if (frame < 0) return [];
  const rec = store.frames.record(frame);
  if (hex) return frameHexLines(rec, store.frames.frameBytes(frame), store.frames.previewLimit);
  const call = store.callAt(rec.connection, rec.stream);
  const callText = call !== undefined ? methodText(store.callRow(call, false)) : null;
  return frameDetailLines(rec, frame + 1, callText, clock);
}

function frameCells(store: CaptureStore, n: number, clock: Clock, prev: number | null): Cells<Col> {
  const f = store.frames.record(n);
  const role = frameRole(f);
  return {
    values: {
      no: String(n + 1),
      time: clock.text(f.time, prev),
      conn: f.connection,
      dir: f.from === 'client' ? 'C→S' : 'S→C',
      type: f.type,
      stream: String(f.stream),
      length: String(f.length),
      flags: flagsShort(f.flags),
      summary: frameSummary(f),
    },
    roles: { time: 'dim', dir: f.from, ...(role ? { type: role, summary: role } : {}) },
  };
}
