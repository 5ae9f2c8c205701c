/**
 * The progress line on stderr while a capture is read: bytes (of the total for a file), percent, packets
 * and packets/s. Redrawn at most every 100 ms and erased before report output reaches the same terminal.
 */
import type { CaptureProgress } from '../capture/source.js';
import type { TtyWritable } from './io.js';
import { grouped } from '../records/number-text.js';

const REDRAW_MS = 100;
const BAR_WIDTH = 20;

export class ProgressLine {
  private lastDraw = -Infinity;
  private shown = false;
  private readonly started: number;

  constructor(
    private readonly stderr: TtyWritable,
    private readonly now: () => number,
  ) {
    this.started = now();
  }

  update(p: CaptureProgress): void {
    const t = this.now();
    if (t - this.lastDraw < REDRAW_MS) return;
    this.lastDraw = t;
    const line = formatProgress(p, (t - this.started) / 1000);
    const width = (this.stderr.columns ?? 80) - 1;
    this.stderr.write(`\r${line.slice(0, width)}\x1b[K`);
    this.shown = true;
  }

  /** Erases the line (before other output, and at the end). */
  clear(): void {
    if (!this.shown) return;
    this.stderr.write('\r\x1b[K');
    this.shown = false;
    this.lastDraw = -Infinity;
  }
}

export function formatProgress(p: CaptureProgress, seconds: number): string {
  const rate = seconds > 0 ? Math.round(p.packets / seconds) : 0;
  const counts = `${grouped(p.packets)} packets  ${grouped(rate)} packets/s`;
  if (p.totalBytes === null || p.totalBytes === 0) return `${formatBytes(p.bytesRead)} read  ${counts}`;
  const fraction = Math.min(1, p.bytesRead / p.totalBytes);
  const filled = Math.round(fraction * BAR_WIDTH);
  const bar = '#'.repeat(filled) + '.'.repeat(BAR_WIDTH - filled);
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  return `[${bar}] ${percent}  ${formatBytes(p.bytesRead)} / ${formatBytes(p.totalBytes)}  ${counts}`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}
