/** Plain-text tables for terminal reports: columns padded to their widest cell, numbers right-aligned. */
import { clockMillis } from '../records/time-text.js';

export type Align = 'l' | 'r';

export function formatTable(header: string[], rows: string[][], align: Align[], indent = '  '): string[] {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => [...(r[i] ?? '')].length)));
  return all.map((r) => {
    const cells = r.map((cell, i) => {
      const pad = ' '.repeat(widths[i]! - [...cell].length);
      return align[i] === 'r' ? pad + cell : cell + pad;
    });
    return (indent + cells.join('  ')).trimEnd();
  });
}

/** Durations as every report and screen shows them (src/records/duration-text.ts). */
export { formatMs } from '../records/duration-text.js';

/** hh:mm:ss.mmm UTC of an epoch-seconds capture time (damaged timestamps shown as seconds). */
export function formatClockMs(epoch: number): string {
  return clockMillis(epoch);
}
