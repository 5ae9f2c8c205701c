import { Box } from 'ink';
import { useMemo, type ReactNode } from 'react';
import type { EndpointColumn, FrameTypeColumn, MethodColumn } from '../model/select-stats-sort.js';
import { selectIoSeries } from '../model/select-stats-io.js';
import { statsIndexOf } from '../model/select-stats.js';
import type { SortSpec } from '../model/store-selectors.js';
import { headerLine } from './columns.js';
import { seg, wrapText, type Line } from './lines.js';
import { textWidth } from './text-width.js';
import { LineView } from './LineView.js';
import { Rows } from './Rows.js';
import type { ScreenProps } from './screen-props.js';
import { endpointsTable } from './stats-endpoints.js';
import { framesTable } from './stats-frames.js';
import { ioBuckets, ioView, IO_SERIES } from './stats-io.js';
import { latencyTable } from './stats-latency.js';
import { methodsTable } from './stats-methods.js';
import { TitleBar } from './TitleBar.js';
import type { ViewCtx } from './nav-state.js';
import { usePublishCtx } from './view-ctx.js';
import { windowOf } from './window.js';

const PANES = ['Methods', 'Frame types', 'Endpoints', 'IO graph', 'Latency'];

function paneLine(pane: number): Line {
  const line: Line = [seg(' Tab ', 'dim')];
  PANES.forEach((name, i) => {
    line.push({
      text: ` ${name} `,
      inverse: i === pane,
      bold: i === pane,
      ...(i === pane ? {} : { role: 'dim' as const }),
    });
  });
  return line;
}

/**
 * Statistics, as Wireshark's Statistics menu but for gRPC: five panes (Tab; the fifth, where each method's
 * time went) over the store's columns,
 * recomputed as rows arrive (select-stats.ts keeps sums and reads each new row once; the IO graph is one
 * pass over the columns per redraw while it is shown).
 */
export function StatsScreen({ store, version, view, width, height }: ScreenProps<'stats'>) {
  const pane = view.pane;
  const sort = view.sorts[pane] ?? { column: '', descending: false };
  const index = useMemo(() => statsIndexOf(store), [store, version]);
  const table = useMemo(() => {
    if (pane === 0) return methodsTable(index, sort as SortSpec<MethodColumn>, width);
    if (pane === 1) return framesTable(store, index, sort as SortSpec<FrameTypeColumn>, width);
    if (pane === 2) return endpointsTable(store, index, sort as SortSpec<EndpointColumn>, width);
    if (pane === 4) return latencyTable(store, width);
    return null;
  }, [store, index, version, pane, sort, width]);
  const io = useMemo(
    () => (pane === 3 ? selectIoSeries(store, ioBuckets(width)) : null),
    [store, version, pane, width],
  );
  const list = view.lists[pane];
  if (!table) {
    const win = windowOf(list, IO_SERIES, IO_SERIES);
    const graph = ioView(io, width, height - 2, win.cursor);
    return (
      <Pane
        info={io ? 'calls, errors, bytes, RST_STREAM / GOAWAY over time' : ''}
        pane={pane}
        width={width}
        height={height}
        ctx={{ count: IO_SERIES, page: IO_SERIES, open: graph.open, isError: (i) => i === 1 || i === 3 }}
      >
        {graph.lines.slice(0, height - 2).map((l, i) => (
          <LineView key={i} line={l} width={width} />
        ))}
      </Pane>
    );
  }
  // The cursor row's detail, wrapped to at most 3 lines, under the notes.
  const detailRows = table.detail && table.count > 0 ? 3 : 0;
  const page = Math.max(1, height - 3 - table.notes.length - detailRows);
  const win = windowOf(list, table.count, page);
  const detail = detailRows > 0 ? packItems(table.detail!(win.cursor), width).slice(0, detailRows) : [];
  const lines: Line[] = [];
  for (let i = win.top; i < win.end; i++) lines.push(table.line(i));
  return (
    <Pane
      info={table.info}
      pane={pane}
      width={width}
      height={height}
      ctx={{ count: table.count, page, open: table.open, isError: table.isError }}
    >
      <LineView line={headerLine(table.columns, sort)} width={width} />
      {table.count === 0 ? (
        <LineView line={[seg(table.empty, 'dim')]} width={width} />
      ) : (
        <Rows lines={lines} width={width} height={lines.length} selected={win.cursor - win.top} />
      )}
      {table.notes.map((n, i) => (
        <LineView key={i} line={n} width={width} />
      ))}
      {detail.map((text, i) => (
        <LineView key={`d${i}`} line={[seg(text, i === 0 ? 'accent' : undefined)]} width={width} />
      ))}
    </Pane>
  );
}

/** Lines of "a · b · c" items, broken between items (an item wider than a line is cut into pieces). */
function packItems(text: string, width: number): string[] {
  const lines: string[] = [];
  let cur = '';
  for (const item of text.split(' · ')) {
    const next = cur === '' ? item : `${cur} · ${item}`;
    if (textWidth(next) <= width) cur = next;
    else {
      if (cur !== '') lines.push(cur);
      const pieces = wrapText(item, width);
      lines.push(...pieces.slice(0, -1));
      cur = pieces[pieces.length - 1] ?? '';
    }
  }
  if (cur !== '') lines.push(cur);
  return lines;
}

/** The title, the pane tabs, then the pane; publishes the pane's ViewCtx (one hook call for every pane). */
function Pane(props: {
  info: string;
  pane: number;
  width: number;
  height: number;
  ctx: ViewCtx;
  children: ReactNode;
}) {
  usePublishCtx(props.ctx);
  return (
    <Box flexDirection="column" height={props.height}>
      <TitleBar title="Stats" info={props.info} width={props.width} />
      <LineView line={paneLine(props.pane)} width={props.width} />
      {props.children}
    </Box>
  );
}
