/**
 * Table columns that fit the terminal: fixed columns keep their width, the flexible one takes what is
 * left, and when even that is too narrow the columns with the highest `drop` go first (at 80 columns the
 * Calls table loses bytes before it loses the method).
 */
import { cell, type Line } from './lines.js';
import { textWidth, truncate } from './text-width.js';
import type { Role } from './theme.js';

export interface Column<Id extends string = string> {
  id: Id;
  title: string;
  width: number;
  align?: 'left' | 'right';
  /** Takes the remaining width (at least `width`). */
  flex?: boolean;
  /** Dropped when the table does not fit: higher first; absent: never. */
  drop?: number;
  /**
   * Sized to what the visible rows hold (at least the title and a sort mark), not to `width`: a status
   * column is as wide as "deadline-exceeded" when that is on screen, and gives its blank space to the
   * flexible column otherwise. Numbers are never cut.
   */
  fit?: boolean;
}

/** A row's cell texts and roles by column id, before the columns are laid out. */
export interface Cells<Id extends string> {
  values: Partial<Record<Id, string>>;
  roles?: Partial<Record<Id, Role>>;
}

/**
 * The columns sized to the visible rows (`fit` columns), then to the terminal (layoutColumns), and the
 * rows as lines.
 */
export function fitTable<Id extends string>(
  columns: Column<Id>[],
  width: number,
  rows: Cells<Id>[],
): { cols: Column<Id>[]; lines: Line[] } {
  const sized = columns.map((c) => {
    if (!c.fit) return c;
    let w = textWidth(c.title) + 1;
    for (const r of rows) w = Math.max(w, textWidth(r.values[c.id] ?? ''));
    return { ...c, width: w };
  });
  // The flexible column takes the spare width only up to what its visible rows hold: at 200 columns a
  // 100-cell gap between the method and its status would have the eye cross blank space on every row.
  const cols = layoutColumns(sized, width).map((c) => {
    if (!c.flex || rows.length === 0) return c;
    let need = textWidth(c.title) + 1;
    for (const r of rows) need = Math.max(need, textWidth(r.values[c.id] ?? ''));
    return need < c.width ? { ...c, width: Math.max(need, columns.find((o) => o.id === c.id)!.width) } : c;
  });
  return { cols, lines: rows.map((r) => rowLine(cols, r.values, r.roles)) };
}

/** Width of a table: one separator after each column, and the list gutter. */
function tableWidth(cols: Column[]): number {
  return cols.reduce((w, c) => w + c.width + 1, 1);
}

export function layoutColumns<Id extends string>(columns: Column<Id>[], width: number): Column<Id>[] {
  let cols = columns.slice();
  const total = tableWidth;
  while (total(cols) > width) {
    const victim = cols.filter((c) => c.drop !== undefined).sort((a, b) => b.drop! - a.drop!)[0];
    if (!victim) break;
    cols = cols.filter((c) => c !== victim);
  }
  const spare = Math.max(0, width - total(cols));
  return cols.map((c) => (c.flex ? { ...c, width: c.width + spare } : c));
}

export function headerLine<Id extends string>(
  cols: Column<Id>[],
  sorted?: { column: string; descending: boolean },
): Line {
  // A leading cell over the list gutter (LineView's cursor mark).
  const gutter: Line = [{ text: ' ' }];
  return gutter.concat(
    cols.map((c) => {
      if (sorted?.column !== c.id) return { ...cell(c.title, c.width, 'dim', c.align), bold: true };
      // The sort mark always shows: the title gives way.
      const mark = sorted.descending ? '▼' : '▲';
      const title =
        c.align === 'right' ? mark + truncate(c.title, c.width - 1) : truncate(c.title, c.width - 1) + mark;
      return { ...cell(title, c.width, 'accent', c.align), bold: true };
    }),
  );
}

/** A row from cell texts by column id (missing ids print empty), with a role per cell. */
export function rowLine<Id extends string>(
  cols: Column<Id>[],
  values: Partial<Record<Id, string>>,
  roles: Partial<Record<Id, Role>> = {},
): Line {
  return cols.map((c) => cell(values[c.id] ?? '', c.width, roles[c.id], c.align));
}
