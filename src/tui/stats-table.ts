/**
 * What each table of the Stats screen gives the screen: its columns, a line per row (built only for the
 * rows on screen), where Enter on a row leads (a Calls or Frames list under a display filter), and a few
 * lines of totals under the table.
 */
import type { Column } from './columns.js';
import type { Line } from './lines.js';
import type { NavTarget } from './nav-state.js';

export interface StatsTable {
  /** What the title bar says after the pane's name: "3 methods · 9 calls". */
  info: string;
  columns: Column[];
  count: number;
  line(row: number): Line;
  open(row: number): NavTarget | null;
  isError(row: number): boolean;
  /** Under the table (totals, what the numbers are). */
  notes: Line[];
  /** Under the notes: more about the row under the cursor (lines as long as needed; the screen wraps them). */
  detail?(row: number): string;
  /** Said instead of the table when it has no rows. */
  empty: string;
}

/** A display-filter string literal: quotes and backslashes escaped (src/filter/lexer.ts). */
export function quoted(s: string): string {
  return `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** "████░░░░░░" for a share 0..1 (rounded to the nearest cell, at least one for any share above 0). */
export function shareBar(share: number, width: number): string {
  const full = share > 0 ? Math.max(1, Math.round(share * width)) : 0;
  return '█'.repeat(full) + '░'.repeat(width - full);
}
