/**
 * Stats, fourth pane: the IO graph. Calls (by start), errors (calls not ok, by end), bytes (HTTP/2 frames
 * on the wire) and RST_STREAM / GOAWAY frames per time bucket, as braille charts (chart.ts, the charts of
 * the flow-control windows): each dot column is one bucket, drawn from zero to its value. j/k choose a
 * series; Enter lists its calls or frames.
 */
import type { IoSeries } from '../model/select-stats-io.js';
import { brailleChart, type Point } from './chart.js';
import { bytes, count, duration } from './format.js';
import { seg, type Line } from './lines.js';
import type { NavTarget } from './nav-state.js';
import { fit } from './text-width.js';

/** Width of the value labels left of a chart. */
export const IO_AXIS = 9;

interface Series {
  title: string;
  values: Float64Array;
  format: (n: number) => string;
  open: NavTarget;
  detail?: string;
}

function seriesOf(io: IoSeries): Series[] {
  const rstGoaway = io.resets.map((v, i) => v + io.goaways[i]!);
  const sum = (a: Float64Array): number => a.reduce((x, y) => x + y, 0);
  return [
    { title: 'calls', values: io.calls, format: count, open: { kind: 'list', screen: 'calls', filter: '' } },
    {
      title: 'errors',
      values: io.errors,
      format: count,
      open: {
        kind: 'list',
        screen: 'calls',
        filter: 'grpc.outcome != ok && grpc.outcome != status-unknown',
      },
    },
    { title: 'bytes', values: io.bytes, format: bytes, open: { kind: 'list', screen: 'frames', filter: '' } },
    {
      title: 'RST_STREAM / GOAWAY',
      values: rstGoaway,
      format: count,
      detail: `${count(sum(io.resets))} RST_STREAM · ${count(sum(io.goaways))} GOAWAY`,
      open: { kind: 'list', screen: 'frames', filter: 'http2.type == RST_STREAM || http2.type == GOAWAY' },
    },
  ];
}

export const IO_SERIES = 4;

/** Dot columns per chart for a pane `width` wide (the buckets selectIoSeries is asked for). */
export function ioBuckets(width: number): number {
  return Math.max(4, width - IO_AXIS - 1) * 2;
}

/** Rows of each chart when the pane has `height` lines (4 titles and the time axis besides). */
export function ioChartRows(height: number): number {
  return Math.max(1, Math.floor((height - IO_SERIES - 1) / IO_SERIES));
}

export interface IoView {
  lines: Line[];
  open(series: number): NavTarget | null;
}

export function ioView(io: IoSeries | null, width: number, height: number, selected: number): IoView {
  if (!io) return { lines: [[seg('Nothing to graph yet.', 'dim')]], open: () => null };
  const series = seriesOf(io);
  const buckets = io.calls.length;
  const cw = buckets / 2;
  const rows = ioChartRows(height);
  const bucketMs = ((io.t1 - io.t0) * 1000) / buckets;
  const lines: Line[] = [];
  series.forEach((s, k) => {
    let total = 0;
    let peak = 0;
    const points: Point[] = [];
    for (let x = 0; x < buckets; x++) {
      const v = s.values[x]!;
      total += v;
      peak = Math.max(peak, v);
      // A spike from zero inside the dot column: the column shows 0..v, whatever its neighbours are.
      points.push([x + 0.25, 0], [x + 0.5, v], [x + 0.75, 0]);
    }
    const here = k === selected;
    lines.push([
      { text: here ? '>' : ' ', bold: true },
      { text: s.title, role: 'title', bold: true, inverse: here },
      seg(`  ${s.format(total)} total · peak ${s.format(peak)} per ${duration(bucketMs)}`, 'dim'),
      seg(s.detail ? ` · ${s.detail}` : '', 'dim'),
    ]);
    const chart = brailleChart(points, {
      width: cw,
      height: rows,
      t0: 0,
      t1: buckets,
      yMin: 0,
      yMax: Math.max(peak, 1),
    });
    chart.forEach((row, i) => {
      const label = i === 0 ? s.format(peak) : i === chart.length - 1 ? '0' : '';
      const role = k === 1 || k === 3 ? 'warning' : 'accent';
      lines.push([seg(fit(label, IO_AXIS - 1, 'right') + ' ', 'dim'), seg(row, role)]);
    });
  });
  lines.push([
    seg(' '.repeat(IO_AXIS)),
    seg(fit('+0s', 8)),
    seg(fit(`+${duration((io.t1 - io.t0) * 1000)}`, Math.max(4, cw - 8), 'right'), 'dim'),
  ]);
  return { lines, open: (i) => series[i]?.open ?? null };
}
