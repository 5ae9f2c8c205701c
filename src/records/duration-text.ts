/**
 * Text for durations in milliseconds: the one rule every screen and report uses (--summary, markdown, the
 * diff report, and every TUI screen), so a call's 855.24 ms is "855ms" wherever it shows. Three significant
 * digits is what a latency needs: "0.412ms", "1.24ms", "38.5ms", "855ms", "2.41s", "125s".
 */
export function formatMs(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '-';
  // toPrecision(3) of 1,330 s is "1.33e+3": whole seconds from 1,000 s on.
  if (ms >= 999_500) return `${Math.round(ms / 1000)}s`;
  if (ms >= 1000) return `${(ms / 1000).toPrecision(3)}s`;
  if (ms >= 100) return `${Math.round(ms)}ms`;
  return `${Number(ms.toPrecision(3))}ms`;
}
