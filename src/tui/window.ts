import { scrollFor, type ListState } from './nav-state.js';

export interface ListWindow {
  /** Cursor clamped to the rows (0 when there are none). */
  cursor: number;
  top: number;
  /** One past the last visible row. */
  end: number;
}

/** The rows a list shows: the cursor clamped to `count`, scrolled so it is on the page. */
export function windowOf(list: ListState | undefined, count: number, page: number): ListWindow {
  const wanted = list?.pinned ? count - 1 : (list?.cursor ?? 0);
  const cursor = Math.max(0, Math.min(wanted, count - 1));
  const top = scrollFor(list?.top ?? 0, cursor, count, page);
  return { cursor, top, end: Math.min(count, top + Math.max(1, page)) };
}
