import type { SeriesPoint } from '../model/records.js';

/**
 * A time series with a fixed cap, for the TUI's charts. When full it halves: each pair of neighbouring
 * points becomes the one with the more telling value (the lower window, the higher concurrency), so the
 * extremes a chart must show survive any number of halvings.
 */
export class Series {
  private points: SeriesPoint[] = [];
  private halved = false;

  constructor(
    private readonly cap: number,
    private readonly keep: 'min' | 'max',
  ) {}

  add(time: number, value: number): void {
    // Several points may share an instant (one packet, many frames): a chart draws them as a vertical step.
    this.points.push([time, value]);
    if (this.points.length > this.cap) this.halve();
  }

  get decimated(): boolean {
    return this.halved;
  }

  toJSON(): SeriesPoint[] {
    return this.points.map(([t, v]): SeriesPoint => [t, v]);
  }

  private halve(): void {
    const out: SeriesPoint[] = [];
    for (let i = 0; i < this.points.length; i += 2) {
      const a = this.points[i]!;
      const b = this.points[i + 1];
      out.push(b === undefined || this.better(a[1], b[1]) ? a : b);
    }
    this.points = out;
    this.halved = true;
  }

  private better(a: number, b: number): boolean {
    return this.keep === 'min' ? a <= b : a >= b;
  }
}
