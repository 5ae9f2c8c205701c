/**
 * Per-method call statistics as report text, shared by --summary and --format markdown: error rates, the
 * latency cells, status-unknown counts. The numbers come from src/model/call-stats.ts, the aggregation the
 * TUI's Stats screen uses too.
 */
import { latency, type CallStats } from '../model/call-stats.js';
import { EXACT_ROWS, SKETCH_RELATIVE_ERROR } from '../model/value-series.js';
import { grouped } from '../records/number-text.js';
import { formatMs } from './table.js';

/** Errors over all calls: a call whose status is unknown is not an error (UNKNOWN counts those). */
export function errorRate(s: CallStats): string {
  return s.calls === 0 ? '-' : `${((100 * s.errors) / s.calls).toFixed(1)}%`;
}

/**
 * The cells every per-method table shows: method, calls, errors, error rate, [unknown,] p50, p90, p99,
 * max. The UNKNOWN column (status unknown, "N (M guessed OK)") is there only when `withUnknown`: the
 * tables of captures where every status was read keep their shape.
 */
export function methodCells(method: string, s: CallStats, withUnknown = false): string[] {
  const l = latency(s);
  // `~`: read from the histogram past the exact cap (src/model/value-series.ts); MAX is always exact.
  const mark = l.approximate ? '~' : '';
  const ms = [...[l.p50, l.p90, l.p99].map((v) => mark + formatMs(v)), formatMs(l.max)];
  const unknown = withUnknown ? [unknownCount(s)] : [];
  return [method, String(s.calls), String(s.errors), errorRate(s), ...unknown, ...ms];
}

/** The footnote under a table with `~` cells. */
export function approximateNote(what: string, cap: number = EXACT_ROWS): string {
  return (
    `  ~ approximate: past ${grouped(cap)} calls of a method its ${what} come from a log-bucketed ` +
    `histogram (within ${SKETCH_RELATIVE_ERROR * 100}% of the value; src/model/value-series.ts)`
  );
}

/** "52 (38 guessed OK, 6 guessed NOT_FOUND)". */
export function unknownCount(s: CallStats): string {
  const guesses = guessList(s.guessed);
  return guesses === '' ? String(s.unknown) : `${s.unknown} (${guesses})`;
}

/** "38 guessed OK, 6 guessed NOT_FOUND", most first; '' without guesses. */
export function guessList(guessed: ReadonlyMap<string, number>): string {
  return [...guessed]
    .sort((a, b) => b[1] - a[1])
    .map(([name, n]) => `${n} guessed ${name}`)
    .join(', ');
}

/**
 * "44 status unknown (HPACK entries from before the capture; 41 guessed OK, not decoded)", or null when every status
 * was known: the phrase the summary and markdown heads add after "N not ok".
 */
export function unknownPhrase(s: CallStats): string | null {
  if (s.unknown === 0) return null;
  const reasons = [...s.unknownReasons].sort((a, b) => b[1] - a[1]).map(([r]) => r);
  const guesses = guessList(s.guessed);
  const guessed = guesses === '' ? '' : `; ${guesses}, not decoded`;
  return `${s.unknown} status unknown (${reasons.join('; ')}${guessed})`;
}
