/**
 * One time base for every screen (issue #15): seconds from the capture's start (Wireshark's default),
 * the UTC time of day, or the delta from the row above. `t` cycles the format; lists, the flow graph and
 * diagnostics all read it from here, so Frames and the flow graph agree on what 0.5 means.
 */
import { createContext, useContext } from 'react';
import type { CaptureStore } from '../model/store.js';
import { captureStart } from './call-rows.js';
import { clockTime, relativeTime } from './format.js';

export const TIME_FORMATS = ['relative', 'absolute', 'delta'] as const;
export type TimeFormat = (typeof TIME_FORMATS)[number];

export const TIME_FORMAT_TEXT: Record<TimeFormat, string> = {
  relative: 'seconds since the capture started',
  absolute: 'time of day (UTC)',
  delta: 'seconds since the row above',
};

export interface Clock {
  format: TimeFormat;
  /** Cells a time takes in this format ("22:50:29.845360" is 15, "0.063515" up to 10). */
  width: number;
  /** A time; `prev` is the row above's time (delta), null on the first row (shown as 0). */
  text(epoch: number, prev?: number | null): string;
  /** The column title: "time", "clock", "delta". */
  title: string;
  /** The capture's first time (the relative format's zero). */
  start: number | null;
}

export function makeClock(format: TimeFormat, start: number | null): Clock {
  switch (format) {
    case 'absolute':
      return { format, width: 15, title: 'UTC', start, text: (t) => clockTime(t) };
    case 'delta':
      return {
        format,
        width: 10,
        title: 'delta',
        start,
        text: (t, prev) => (prev === null || prev === undefined ? '0.000000' : (t - prev).toFixed(6)),
      };
    case 'relative':
      return { format, width: 10, title: 'time', start, text: (t) => relativeTime(t, start) };
  }
}

/**
 * One time on its own (a detail line, not a column): UTC time of day, or seconds since the capture started;
 * a delta has no row above, so it reads as seconds since the start too.
 */
export function timeAlone(clock: Clock, epoch: number): string {
  return clock.format === 'absolute'
    ? `${clock.text(epoch)} UTC`
    : `${makeClock('relative', clock.start).text(epoch)} s`;
}

export const TimeFormatContext = createContext<TimeFormat>('relative');

/** The clock of the format in force, over this capture's start. */
export function useClock(store: CaptureStore): Clock {
  return makeClock(useContext(TimeFormatContext), captureStart(store));
}
