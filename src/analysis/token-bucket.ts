/**
 * A token bucket over capture time, the way nghttp2 rate-limits incoming RST_STREAM
 * (nghttp2_option_set_stream_reset_rate_limit: `burst` tokens, `rate` regenerated per second, one per
 * event): a sliding judgement of a rate in O(1) memory, so a connection that lives for hours stays bounded.
 * It also remembers the current episode (the events since the bucket was last full), which is the evidence
 * a diagnostic quotes: how many, over how long.
 */
export class TokenBucket {
  private tokens: number;
  private last: number | null = null;
  /** Events since the bucket was last full, and when the first of them came (epoch seconds). */
  episodeEvents = 0;
  episodeStart = 0;
  /** Every event ever counted. */
  total = 0;

  constructor(
    readonly burst: number,
    readonly ratePerSecond: number,
  ) {
    this.tokens = burst;
  }

  /** Counts an event at `time` (epoch seconds); true when it found the bucket empty (the rate is exceeded). */
  take(time: number): boolean {
    this.refill(time);
    this.total++;
    if (this.tokens >= this.burst) {
      this.episodeEvents = 0;
      this.episodeStart = time;
    }
    this.episodeEvents++;
    if (this.tokens < 1) return true;
    this.tokens -= 1;
    return false;
  }

  /** How empty the bucket is at `time`, 0 (full, nothing recent) to 1 (empty): the pressure on the limit. */
  pressure(time: number): number {
    this.refill(time);
    return Math.min(1, Math.max(0, (this.burst - this.tokens) / this.burst));
  }

  /** Events of the current episode per second up to `time` (their count when they all came at once). */
  episodeRate(time: number): number {
    const span = time - this.episodeStart;
    return span > 0 ? this.episodeEvents / span : this.episodeEvents;
  }

  private refill(time: number): void {
    // Capture time may step back a little across merged files: never refill on a negative interval.
    if (this.last !== null && time > this.last)
      this.tokens = Math.min(this.burst, this.tokens + (time - this.last) * this.ratePerSecond);
    if (this.last === null || time > this.last) this.last = time;
  }
}
