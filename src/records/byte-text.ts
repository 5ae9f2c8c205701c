/**
 * Text for byte counts: the one rule every screen and report uses, so the same capture shows the same
 * size everywhere (the TUI header and Overview, the connection summary, --summary, text and markdown).
 * Under 1000 the exact count ("999 B"); above, decimal (SI) units as Wireshark's capture properties and the
 * rates use, to three significant digits: "1.23 kB", "12.3 kB", "293 kB", "4.19 MB".
 */

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];

export function formatBytes(n: number | null): string {
  if (n === null || !Number.isFinite(n)) return '-';
  const sign = n < 0 ? '-' : '';
  let v = Math.abs(n);
  if (v < 1000) return `${sign}${Math.round(v)} B`;
  let u = 0;
  while (v >= 1000 && u < UNITS.length - 1) {
    v /= 1000;
    u++;
  }
  let digits = v < 10 ? 2 : v < 100 ? 1 : 0;
  // 999.7 kB rounds to "1000 kB": say "1.00 MB" instead.
  if (Number(v.toFixed(digits)) >= 1000 && u < UNITS.length - 1) {
    v /= 1000;
    u++;
    digits = 2;
  }
  return `${sign}${v.toFixed(digits)} ${UNITS[u]}`;
}

/** A rate: "12.3 MB/s". */
export function formatByteRate(bytesPerSecond: number | null): string {
  return bytesPerSecond === null ? '-' : `${formatBytes(bytesPerSecond)}/s`;
}
