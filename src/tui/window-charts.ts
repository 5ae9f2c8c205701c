/**
 * The flow-control pane: for the connection (or the stream chosen with [ and ]), the send window each
 * side had over time (RFC 9113 §6.9: what the receiver granted minus the DATA sent), as braille charts
 * with the stalls marked underneath. Data from the connection record's `flowControl` (src/analysis).
 */
import type { FlowDirectionRecord, StallRecord, WindowRecord } from '../records/records.js';
import { currentRecord, type ConnectionEntry } from '../model/store.js';
import { brailleChart, intervalMarks, type Point } from './chart.js';
import { count, duration } from './format.js';
import { seg, type Line } from './lines.js';
import { fit } from './text-width.js';

const AXIS = 9;

/** Streams that carried DATA in either direction, for [ and ]. */
export function chartStreams(entry: ConnectionEntry): number[] {
  const fc = currentRecord(entry)?.flowControl;
  if (!fc) return [];
  const set = new Set<number>();
  for (const side of ['client', 'server'] as const) for (const s of fc[side].streams) set.add(s.stream);
  return [...set].sort((a, b) => a - b);
}

interface Selected {
  window: WindowRecord | null;
  stalls: StallRecord[];
  /** Connection view: stalls held back by stream windows only (shown with [ and ]). */
  streamStalls: number;
}

function select(d: FlowDirectionRecord, stream: number | null): Selected {
  if (stream === null) {
    const stalls = d.stalls.filter((s) => s.window !== 'stream');
    return { window: d.connection, stalls, streamStalls: d.stalls.length - stalls.length };
  }
  const s = d.streams.find((x) => x.stream === stream);
  return { window: s?.window ?? null, stalls: d.stalls.filter((x) => x.stream === stream), streamStalls: 0 };
}

function block(title: string, sel: Selected, t0: number, t1: number, width: number, rows: number): Line[] {
  const w = sel.window;
  if (!w) return [[seg(title, 'title', true)], [seg('  no DATA in this direction', 'dim')]];
  const points: Point[] = w.series.length > 0 ? w.series : [[t0, w.initial]];
  const values = points.map((p) => p[1]);
  const yMax = Math.max(w.initial, ...values, 1);
  const yMin = Math.min(0, ...values);
  const cw = Math.max(4, width - AXIS - 1);
  const chart = brailleChart([[t0, w.initial], ...points], { width: cw, height: rows, t0, t1, yMin, yMax });
  const stalled = sel.stalls.reduce((ms, s) => ms + s.waitedMs, 0);
  const head: Line = [
    seg(title, 'title', true),
    seg(`  min ${count(w.min)} · final ${count(w.final)} · `, 'dim'),
    seg(`${sel.stalls.length} stalls (${duration(stalled)})`, sel.stalls.length > 0 ? 'warning' : 'dim'),
    seg(sel.streamStalls > 0 ? ` · ${sel.streamStalls} on stream windows` : '', 'warning'),
    seg(w.decimated ? '  (decimated)' : '', 'dim'),
  ];
  const lines: Line[] = [head];
  chart.forEach((row, i) => {
    const label = i === 0 ? count(yMax) : i === chart.length - 1 ? count(yMin) : '';
    lines.push([seg(fit(label, AXIS - 1, 'right') + ' ', 'dim'), seg(row, 'accent')]);
  });
  const marks = intervalMarks(
    sel.stalls.map((s) => [s.start, s.start + s.waitedMs / 1000] as const),
    { width: cw, t0, t1 },
  );
  lines.push([seg(fit('stalls', AXIS - 1, 'right') + ' ', 'dim'), seg(marks, 'warning')]);
  return lines;
}

export function windowChartLines(
  entry: ConnectionEntry,
  stream: number | null,
  width: number,
  height: number,
): Line[] {
  const rec = currentRecord(entry);
  if (!rec) return [[seg('The connection is still open: its windows are charted when it ends.', 'dim')]];
  const fc = rec.flowControl;
  if (!fc) return [[seg('No flow-control analysis for this connection (not HTTP/2).', 'dim')]];
  const t0 = rec.start;
  const t1 = Math.max(rec.end, t0 + 1e-6);
  const rows = Math.max(2, Math.floor((height - 6) / 2));
  const which = stream === null ? 'connection window' : `stream ${stream}`;
  const axis: Line = [
    seg(' '.repeat(AXIS)),
    seg(fit('+0s', 8)),
    seg(fit(`+${duration((t1 - t0) * 1000)}`, Math.max(4, width - AXIS - 9), 'right'), 'dim'),
  ];
  const note: Line[] = fc.exact ? [] : [[seg(`estimated: ${fc.note ?? ''}`, 'warning')]];
  return [
    ...note,
    ...block(`client → server ${which}`, select(fc.client, stream), t0, t1, width, rows),
    ...block(`server → client ${which}`, select(fc.server, stream), t0, t1, width, rows),
    axis,
  ];
}
