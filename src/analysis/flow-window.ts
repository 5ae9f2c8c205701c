import type { WindowRecord } from '../records/records.js';
import { Series } from './series.js';

/** RFC 9113 §6.9.2: every window starts at 65,535 until SETTINGS_INITIAL_WINDOW_SIZE says otherwise. */
export const DEFAULT_INITIAL_WINDOW_SIZE = 65_535;

/** Raises kept per wait: only the first one big enough matters, and raises without DATA are rare. */
const MAX_RAISES = 32;

/**
 * One flow-control window (a stream's or the connection's) as the sender sees it, over time.
 *
 * It also keeps what the sender had right after its last DATA through the window (`waitSince`,
 * `waitLeft`) and the raises since (WINDOW_UPDATE or SETTINGS): when the next DATA is larger than what
 * was left, it could only go out after one of the raises, so the sender waited. These are plain fields and
 * one reused flat array (time, value, ...; `raises` pairs long, made at the first raise) rather than a new
 * object per DATA frame: most windows of short calls are never raised. (With the flat Series and one
 * StreamFlow object per stream window: 17 MB less promoted to the old generation, 136 instead of 153 MB,
 * on the 30 MB bench file.)
 */
export class FlowWindow {
  value: number;
  private min: number;
  private minTime: number | null;
  private readonly series: Series;
  private waitSince: number;
  private waitLeft: number;
  private raised: number[] | null = null;
  private raises = 0;

  constructor(
    readonly initial: number,
    time: number,
    cap: number,
  ) {
    this.value = initial;
    this.min = initial;
    this.minTime = time;
    this.series = new Series(cap, 'min');
    this.series.add(time, initial);
    this.waitSince = time;
    this.waitLeft = initial;
  }

  /** DATA consumes (RFC 9113 §6.9.1: the whole payload, padding included). */
  consume(length: number, time: number): void {
    this.set(this.value - length, time);
    this.waitSince = time;
    this.waitLeft = this.value;
    // A count, not `length = 0`: truncating would free the array's storage, to be allocated again.
    this.raises = 0;
  }

  /** WINDOW_UPDATE, or a SETTINGS_INITIAL_WINDOW_SIZE change (RFC 9113 §6.9.2: may go negative). */
  adjust(delta: number, time: number): void {
    this.set(this.value + delta, time);
    if (delta <= 0) return;
    // Past the cap the newest raise replaces the last one kept.
    const i = this.raises < MAX_RAISES ? this.raises++ : MAX_RAISES - 1;
    const raised = (this.raised ??= []);
    raised[2 * i] = time;
    raised[2 * i + 1] = this.value;
  }

  /**
   * Before DATA of `length`: if what was left after the last DATA was too little and the window was
   * raised since, the DATA waited; returns when the wait started and which raise ended it (the first one
   * big enough, else the last).
   */
  waitedFor(length: number): { since: number; left: number; raisedAt: number } | null {
    const n = this.raises;
    const raised = this.raised;
    if (length <= 0 || this.waitLeft >= length || n === 0 || raised === null) return null;
    let enough = n - 1;
    for (let i = 0; i < n; i++) {
      if (raised[2 * i + 1]! >= length) {
        enough = i;
        break;
      }
    }
    return { since: this.waitSince, left: this.waitLeft, raisedAt: raised[2 * enough]! };
  }
  record(): WindowRecord {
    return {
      initial: this.initial,
      final: this.value,
      min: this.min,
      minTime: this.minTime,
      series: this.series.toJSON(),
      decimated: this.series.decimated,
    };
  }

  private set(value: number, time: number): void {
    this.value = value;
    if (value < this.min) {
      this.min = value;
      this.minTime = time;
    }
    this.series.add(time, value);
  }
}
