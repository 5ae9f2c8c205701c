/**
 * Numbers and times as the screens show them. Everything that came from the capture is passed through
 * `safe` (escapeText) before it reaches the terminal: header values, metadata, messages and debug data
 * can carry escape sequences.
 */
import { escapeText } from '../output/escape.js';
import { formatBytes } from '../records/byte-text.js';
import { formatMs } from '../records/duration-text.js';
import { clockMicros } from '../records/time-text.js';
import { grouped } from '../records/number-text.js';

export function safe(s: string | null | undefined): string {
  return s === null || s === undefined ? '' : escapeText(s);
}

/** Wall-clock time of day with microseconds (UTC), like the text report: 22:50:29.845360. */
export function clockTime(epoch: number): string {
  return clockMicros(epoch);
}

/** Seconds since the start of the capture, Wireshark's default time column: 1.234567. */
export function relativeTime(epoch: number, start: number | null): string {
  return (epoch - (start ?? epoch)).toFixed(6);
}

/** Durations as every screen and report shows them (src/records/duration-text.ts: one rule for all). */
export const duration = formatMs;

/** Bytes as every screen and report shows them (src/records/byte-text.ts: one rule for all). */
export const bytes = formatBytes;

export function count(n: number): string {
  return grouped(n);
}

/** "1 warning", "1,204 warnings": the count as `count` writes it, the noun singular for one. */
export function counted(n: number, noun: string): string {
  return `${grouped(n)} ${noun}${n === 1 ? '' : 's'}`;
}

export function percent(part: number, whole: number): string {
  return whole > 0 ? `${Math.floor((100 * part) / whole)}%` : '';
}

/** Hex dump lines: offset, 16 bytes in hex, and printable ASCII (everything else as "."). */
export function hexDump(bytes: Uint8Array, width = 16): string[] {
  const lines: string[] = [];
  for (let at = 0; at < bytes.length; at += width) {
    const row = bytes.subarray(at, at + width);
    const hex = [...row].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    const ascii = [...row].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${at.toString(16).padStart(4, '0')}  ${hex.padEnd(width * 3 - 1)}  ${ascii}`);
  }
  return lines;
}
