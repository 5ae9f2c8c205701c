/**
 * Bounded-memory series for the percentiles of --summary, --format markdown and the TUI's Stats screen
 * (issue #11: "one connection carrying calls for 24 hours holds flat memory").
 *
 * A series keeps its rows (a duration, and for the latency breakdown its seven parts) exactly, packed in
 * Float64Array chunks (8 bytes a number instead of an array slot plus an object of boxed numbers), up to
 * `cap` rows (EXACT_ROWS by default: 2^20 calls per method, more than any complete capture we know has on
 * one method; the 200k-call bench capture stays exact). Past the cap every row is folded into a
 * log-bucketed histogram (LogHistogram) whose size depends on the spread of the values, not on their
 * number, and the percentiles read from it are approximate (the reports mark them with `~`).
 *
 * Hand-written rather than @datadog/sketches-js (DDSketch, the same bucketing): the latency breakdown
 * needs per-bucket sums of the parts ("P99 CALLS DOMINATED BY"), which DDSketch does not carry, and the
 * whole histogram is forty lines.
 */

/** Rows kept exactly per series before it folds into a histogram. */
export const EXACT_ROWS = 2 ** 20;
/** Relative error of a percentile read from the histogram: |reported - true| <= this * true. */
export const SKETCH_RELATIVE_ERROR = 0.01;
/** Values at or below this (ms: 1 ns, under any capture's timestamp resolution) are held as 0. */
const ZERO = 1e-6;
const GAMMA = (1 + SKETCH_RELATIVE_ERROR) / (1 - SKETCH_RELATIVE_ERROR);
const LOG_GAMMA = Math.log(GAMMA);
const CHUNK_ROWS = 4096;

/**
 * Bucket k holds the values in (GAMMA^(k-1), GAMMA^k] and reports 2 GAMMA^k / (GAMMA + 1), which is within
 * SKETCH_RELATIVE_ERROR of every value of the bucket (DDSketch's bound). Each bucket carries a count and
 * the sums of `width` numbers of its rows, so sums over "the rows at or above p99" stay available.
 */
export class LogHistogram {
  private readonly buckets = new Map<number, Float64Array>();
  count = 0;

  constructor(readonly width: number) {}

  /** `row[0]` is the value the percentiles are over; `row` (width numbers) is summed into its bucket. */
  add(value: number, row: ArrayLike<number>, at = 0): void {
    const k = bucketOf(value);
    let b = this.buckets.get(k);
    if (!b) this.buckets.set(k, (b = new Float64Array(1 + this.width)));
    b[0]!++;
    for (let i = 0; i < this.width; i++) b[1 + i]! += row[at + i]!;
    this.count++;
  }

  get size(): number {
    return this.buckets.size;
  }

  /** Nearest-rank percentile (p in 0..100), as the bucket's representative value; null when empty. */
  percentile(p: number): number | null {
    const k = this.rankBucket(p);
    return k === null ? null : valueOf(k);
  }

  /** Count and row sums of the buckets at or above the one holding percentile p. */
  sumsFrom(p: number): Float64Array {
    const out = new Float64Array(1 + this.width);
    const from = this.rankBucket(p);
    if (from === null) return out;
    for (const [k, b] of this.buckets) if (k >= from) for (let i = 0; i < b.length; i++) out[i]! += b[i]!;
    return out;
  }

  private rankBucket(p: number): number | null {
    if (this.count === 0) return null;
    const rank = Math.max(1, Math.ceil((p / 100) * this.count));
    let seen = 0;
    for (const k of [...this.buckets.keys()].sort((a, b) => a - b)) {
      seen += this.buckets.get(k)![0]!;
      if (seen >= rank) return k;
    }
    return null;
  }
}

function bucketOf(v: number): number {
  return v <= ZERO ? -Infinity : Math.ceil(Math.log(v) / LOG_GAMMA);
}

function valueOf(k: number): number {
  return k === -Infinity ? 0 : (2 * GAMMA ** k) / (GAMMA + 1);
}

/**
 * Rows of `width` numbers (row[0]: the duration) in arrival order, exact up to `cap` rows, then a
 * LogHistogram. `max` of row[0] is exact either way.
 */
export class RowSeries {
  private readonly chunks: Float64Array[] = [];
  private rows = 0;
  private sketch: LogHistogram | null = null;
  max = -Infinity;

  constructor(
    readonly width: number,
    private readonly cap: number = EXACT_ROWS,
  ) {}

  get length(): number {
    return this.rows;
  }

  /** Past the cap: percentiles come from the histogram. */
  get approximate(): boolean {
    return this.sketch !== null;
  }

  push(row: ArrayLike<number>): void {
    const v = row[0]!;
    if (v > this.max) this.max = v;
    if (this.sketch === null && this.rows === this.cap) this.fold();
    this.rows++;
    if (this.sketch) return this.sketch.add(v, row);
    const at = (this.rows - 1) % CHUNK_ROWS;
    if (at === 0) this.chunks.push(new Float64Array(CHUNK_ROWS * this.width));
    this.chunks[this.chunks.length - 1]!.set(row, at * this.width);
  }

  /** Calls `f(chunk, offset)` for each exact row in arrival order (none once approximate). */
  forEach(f: (chunk: Float64Array, at: number) => void): void {
    if (this.sketch) return;
    let left = this.rows;
    for (const c of this.chunks) {
      for (let r = 0; r < CHUNK_ROWS && left > 0; r++, left--) f(c, r * this.width);
    }
  }

  /** The exact values of column 0, ascending (empty once approximate). */
  sorted(): Float64Array {
    const out = new Float64Array(this.sketch ? 0 : this.rows);
    let i = 0;
    this.forEach((c, at) => (out[i++] = c[at]!));
    // A typed array sorts numerically, and faster than an array with a comparator.
    return out.sort();
  }

  /** The histogram, once approximate. */
  get histogram(): LogHistogram | null {
    return this.sketch;
  }

  private fold(): void {
    const h = new LogHistogram(this.width);
    this.forEach((c, at) => h.add(c[at]!, c, at));
    this.chunks.length = 0;
    this.sketch = h;
  }
}
