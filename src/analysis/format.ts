/** Number formatting shared by the analysis messages: what a person reads, evidence keeps raw numbers. */
import { clockMicros } from '../records/time-text.js';
import { grouped } from '../records/number-text.js';

/** Milliseconds between two capture times (epoch seconds), to the microsecond. */
export function msBetween(from: number, to: number): number {
  return roundMs((to - from) * 1000);
}

/** Rounds a millisecond value to the microsecond (capture timestamps have no finer resolution). */
export function roundMs(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/** "241,200" */
export function thousands(n: number): string {
  return grouped(Math.round(n));
}

/** "121.1 kB/s": decimal units, as throughput is usually quoted. */
export function rate(bytesPerSecond: number): string {
  const units = ['B/s', 'kB/s', 'MB/s', 'GB/s'];
  let v = bytesPerSecond;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v.toFixed(u === 0 ? 0 : 1)} ${units[u]}`;
}

/** "12:34:56.789012" (UTC): the clock time of a capture timestamp, as the text report shows frames. */
export function clock(epoch: number): string {
  return clockMicros(epoch);
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** "1, 3, 5 and 2 more" */
export function listSome(items: readonly (string | number)[], max = 8): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}
