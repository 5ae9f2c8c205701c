import { Box } from 'ink';
import { useMemo } from 'react';
import { currentRecord, type CaptureStore, type ConnectionEntry } from '../model/store.js';
import { useClock } from './clock.js';
import { connectionSummary } from './connection-summary.js';
import { DocumentView } from './DocumentView.js';
import { flowHeader, flowRows } from './flow-graph.js';
import { safe } from './format.js';
import { seg, wrapWords, type Line } from './lines.js';
import { SEVERITY_ROLE } from './diagnostic-rows.js';
import { LineView } from './LineView.js';
import { Rows } from './Rows.js';
import type { ScreenProps } from './screen-props.js';
import { TitleBar } from './TitleBar.js';
import { useFilter } from './use-filter.js';
import { usePublishCtx } from './view-ctx.js';
import { chartStreams, windowChartLines } from './window-charts.js';

const PANES = ['Flow graph', 'Settings, pings, GOAWAY, RST_STREAM', 'Flow-control windows'];

/** Three panes (Tab): the frames as a flow graph, what happened, and the window charts. */
export function ConnectionDetailScreen({ store, version, view, width, height }: ScreenProps<'connection'>) {
  const filter = useFilter(view.filter);
  const entry = store.connectionByOrdinal(view.connection);
  const clock = useClock(store);
  const summary = useMemo(
    () => (entry ? connectionSummary(store, entry, width, clock) : []),
    [store, version, entry, width, clock.format],
  );
  const streams = useMemo(() => (entry ? chartStreams(entry) : []), [entry, version]);
  const body = height - 2;
  // Pane names without numbers: 1-5 are the screen keys (Tab and Shift-Tab move between panes).
  const tabs = [
    ...PANES.map((p, i) =>
      seg(i === view.pane ? `[${p}] ` : ` ${p}  `, i === view.pane ? 'accent' : 'dim', i === view.pane),
    ),
    seg(' Tab: next pane', 'dim'),
  ];
  if (!entry) return <LineView line={[seg('No such connection.', 'dim')]} width={width} />;
  const pane = (() => {
    if (view.pane === 0) {
      const count = entry.frames.length;
      if (count === 0) return <NoFrames store={store} entry={entry} width={width} height={body} />;
      return (
        <>
          <LineView line={flowHeader(entry, width, clock)} width={width} />
          <DocumentView
            store={store}
            doc={{ count, lineAt: (r) => flowRows(store, entry, r, r + 1, width - 1, clock)[0]! }}
            list={view.lists[0]}
            filter={filter}
            width={width}
            height={body - 1}
          />
        </>
      );
    }
    if (view.pane === 1)
      return (
        <DocumentView
          store={store}
          doc={summary}
          list={view.lists[1]}
          filter={filter}
          width={width}
          height={body}
        />
      );
    return <ChartPane entry={entry} stream={view.stream} streams={streams} width={width} height={body} />;
  })();
  return (
    <Box flexDirection="column" height={height}>
      <TitleBar
        title={`Connection ${entry.id}`}
        info={connectionInfo(entry)}
        filter={filter}
        width={width}
        search
      />
      <LineView line={tabs} width={width} />
      {pane}
    </Box>
  );
}

/**
 * A connection without HTTP/2 frames (a failed TLS handshake, HTTP/1.1, nothing decoded yet): an empty
 * flow graph would say nothing, so this says why, with the connection's diagnostics in full.
 */
function NoFrames({
  store,
  entry,
  width,
  height,
}: {
  store: CaptureStore;
  entry: ConnectionEntry;
  width: number;
  height: number;
}) {
  usePublishCtx({ count: 0, page: 1 });
  const rec = currentRecord(entry);
  const why = entry.record
    ? `No HTTP/2 frames on this connection (protocol ${rec?.protocol ?? 'unknown'}, ended: ${rec?.endReason ?? '-'}).`
    : 'No HTTP/2 frames yet.';
  const lines: Line[] = [[seg(safe(why), 'dim')]];
  for (const d of store.diagnostics) {
    if (d.connection !== entry.id) continue;
    lines.push(
      [],
      [seg(d.severity.toUpperCase() + ' ', SEVERITY_ROLE[d.severity], true), seg(d.code, 'accent')],
    );
    for (const l of wrapWords(safe(d.message), width - 2)) lines.push([seg('  ' + l)]);
  }
  return <Rows lines={lines} width={width} height={height} selected={-1} />;
}

function ChartPane({
  entry,
  stream,
  streams,
  width,
  height,
}: {
  entry: NonNullable<ReturnType<ScreenProps<'connection'>['store']['connectionByOrdinal']>>;
  stream: number | null;
  streams: number[];
  width: number;
  height: number;
}) {
  usePublishCtx({ count: 0, page: height, streams });
  const lines = windowChartLines(entry, stream, width, height - 1);
  const hint =
    streams.length > 0
      ? `[ ] stream (${streams.length} with DATA) · now: ${stream === null ? 'connection' : `stream ${stream}`}`
      : '';
  return (
    <Box flexDirection="column" height={height}>
      <Rows lines={lines} width={width} height={height - 1} selected={-1} />
      <LineView line={[seg(hint, 'dim')]} width={width} />
    </Box>
  );
}

/** "client → server", with "(open)" while there is only a snapshot (or nothing yet) to go by. */
function connectionInfo(entry: ConnectionEntry): string {
  const rec = currentRecord(entry);
  const peers = rec ?? entry.peers;
  const ends = entry.record ? '' : ' (open)';
  return peers ? `${peers.client} → ${peers.server}${ends}` : 'open';
}
