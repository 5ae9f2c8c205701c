import type { SeriesPoint } from '../records/records.js';

/**
 * A time series with a fixed cap, for the TUI's charts. When full it halves: each pair of neighbouring
 * points becomes the one with the more telling value (the lower window, the higher concurrency), so the
 * extremes a chart must show survive any number of halvings.
 *
 * Points are kept as one flat number array (time, value, time, value...: unboxed doubles), and the
 * [time, value] pairs of the record are made once, at the end of the connection: a pair per point kept
 * for the connection's life was one more small object for the garbage collector to promote and mark.
 */
export class Series {
  private readonly flat: number[] = [];
  private halved = false;

  constructor(
    private readonly cap: number,
    private readonly keep: 'min' | 'max',
  ) {}

  add(time: number, value: number): void {
    // Several points may share an instant (one packet, many frames): a chart draws them as a vertical step.
    this.flat.push(time, value);
    if (this.flat.length > 2 * this.cap) this.halve();
  }

  get decimated(): boolean {
    return this.halved;
  }

  toJSON(): SeriesPoint[] {
    const flat = this.flat;
    const out: SeriesPoint[] = new Array<SeriesPoint>(flat.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = [flat[2 * i]!, flat[2 * i + 1]!];
    return out;
  }

  /** In place: point j of the result is the better of points 2j and 2j+1 (the first on a tie). */
  private halve(): void {
    const flat = this.flat;
    const n = flat.length / 2;
    let j = 0;
    for (let i = 0; i < n; i += 2, j++) {
      const k = i + 1 < n && !this.better(flat[2 * i + 1]!, flat[2 * i + 3]!) ? i + 1 : i;
      flat[2 * j] = flat[2 * k]!;
      flat[2 * j + 1] = flat[2 * k + 1]!;
    }
    flat.length = 2 * j;
    this.halved = true;
  }

  private better(a: number, b: number): boolean {
    return this.keep === 'min' ? a <= b : a >= b;
  }
}
