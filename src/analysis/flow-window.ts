import type { WindowRecord } from '../model/records.js';
import { Series } from './series.js';

/** RFC 9113 §6.9.2: every window starts at 65,535 until SETTINGS_INITIAL_WINDOW_SIZE says otherwise. */
export const DEFAULT_INITIAL_WINDOW_SIZE = 65_535;

/** A window that went up after DATA left it low: when, and to what. */
export interface Raise {
  time: number;
  value: number;
}

/**
 * What the sender had right after its last DATA through a window, and the raises since. When the next DATA
 * is larger than what was left, it could only go out after one of the raises: the sender waited.
 */
export interface Waiting {
  since: number;
  left: number;
  raises: Raise[];
}

/** Raises kept per wait: only the first one big enough matters, and raises without DATA are rare. */
const MAX_RAISES = 32;

/** One flow-control window (a stream's or the connection's) as the sender sees it, over time. */
export class FlowWindow {
  value: number;
  private min: number;
  private minTime: number | null;
  private readonly series: Series;
  wait: Waiting;

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
    this.wait = { since: time, left: initial, raises: [] };
  }

  /** DATA consumes (RFC 9113 §6.9.1: the whole payload, padding included). */
  consume(length: number, time: number): void {
    this.set(this.value - length, time);
    this.wait = { since: time, left: this.value, raises: [] };
  }

  /** WINDOW_UPDATE, or a SETTINGS_INITIAL_WINDOW_SIZE change (RFC 9113 §6.9.2: may go negative). */
  adjust(delta: number, time: number): void {
    this.set(this.value + delta, time);
    if (delta <= 0) return;
    const raises = this.wait.raises;
    if (raises.length >= MAX_RAISES) raises.pop();
    raises.push({ time, value: this.value });
  }

  /**
   * Before DATA of `length`: if what was left after the last DATA was too little and the window was
   * raised since, the DATA waited; returns when the wait started and which raise ended it.
   */
  waitedFor(length: number): { since: number; left: number; raisedAt: number } | null {
    const { since, left, raises } = this.wait;
    if (length <= 0 || left >= length || raises.length === 0) return null;
    const enough = raises.find((r) => r.value >= length) ?? raises[raises.length - 1]!;
    return { since, left, raisedAt: enough.time };
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
