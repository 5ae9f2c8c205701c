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

/** "1.24ms", "312ms", "2.41s": three significant digits is what a latency column needs. */
export function formatMs(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '-';
  // toPrecision(3) of 1,330 s is "1.33e+3": whole seconds from 1,000 s on.
  if (ms >= 999_500) return `${Math.round(ms / 1000)}s`;
  if (ms >= 1000) return `${(ms / 1000).toPrecision(3)}s`;
  if (ms >= 100) return `${Math.round(ms)}ms`;
  return `${Number(ms.toPrecision(3))}ms`;
}

/** hh:mm:ss.mmm UTC of an epoch-seconds capture time (damaged timestamps shown as seconds). */
export function formatClockMs(epoch: number): string {
  return clockMillis(epoch);
}
