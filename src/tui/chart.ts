/**
 * Step-function charts in braille (U+2800..U+28FF: each cell is 2 dots wide and 4 tall), for the
 * flow-control windows. A window is a step function of time; each dot column is drawn from the lowest to
 * the highest value the window took during that column's time span, so a dip to zero that lasted a
 * millisecond still shows at any zoom level.
 */

/** Dot bits of a braille cell by [x][y], y from the top (Unicode braille patterns, dots 1-8). */
const DOT = [
  [0x01, 0x02, 0x04, 0x40],
  [0x08, 0x10, 0x20, 0x80],
] as const;

export type Point = readonly [number, number];

export interface ChartOptions {
  width: number;
  height: number;
  /** Time span shown; points outside are clipped. */
  t0: number;
  t1: number;
  yMin: number;
  yMax: number;
}

/** Lowest and highest value of the step function `points` (sorted by time) over [a, b). */
export function stepRange(points: readonly Point[], a: number, b: number): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  let before: number | null = null;
  for (const [t, v] of points) {
    if (t <= a) before = v;
    else if (t < b) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    } else break;
  }
  if (before !== null) {
    lo = Math.min(lo, before);
    hi = Math.max(hi, before);
  }
  return lo === Infinity ? null : [lo, hi];
}

export function brailleChart(points: readonly Point[], o: ChartOptions): string[] {
  const cols = o.width * 2;
  const rows = o.height * 4;
  const cells = Array.from({ length: o.height }, () => new Array<number>(o.width).fill(0));
  const span = o.t1 - o.t0 || 1;
  const yspan = o.yMax - o.yMin || 1;
  const toRow = (v: number): number => {
    const clamped = Math.max(o.yMin, Math.min(o.yMax, v));
    return rows - 1 - Math.round(((clamped - o.yMin) / yspan) * (rows - 1));
  };
  for (let x = 0; x < cols; x++) {
    const range = stepRange(points, o.t0 + (x / cols) * span, o.t0 + ((x + 1) / cols) * span);
    if (!range) continue;
    const top = toRow(range[1]);
    const bottom = toRow(range[0]);
    for (let y = top; y <= bottom; y++) cells[y >> 2]![x >> 1]! |= DOT[x & 1]![y & 3]!;
  }
  return cells.map((row) =>
    row.map((bits) => (bits === 0 ? ' ' : String.fromCharCode(0x2800 + bits))).join(''),
  );
}

/** A line under a chart marking the columns where an interval (a stall) falls. */
export function intervalMarks(
  intervals: ReadonlyArray<readonly [number, number]>,
  o: Pick<ChartOptions, 'width' | 't0' | 't1'>,
  mark = '▀',
): string {
  const span = o.t1 - o.t0 || 1;
  const out = new Array<string>(o.width).fill(' ');
  for (const [a, b] of intervals) {
    const from = Math.max(0, Math.floor(((a - o.t0) / span) * o.width));
    const to = Math.min(o.width - 1, Math.floor(((b - o.t0) / span) * o.width));
    for (let x = from; x <= to; x++) out[x] = mark;
  }
  return out.join('');
}
