/**
 * The commands of the navigation reducer that need more than a cursor move: searching (n/N, e/E),
 * sections, sorting, the bytes pane, the charted stream, and following a reference to another screen.
 */
import { STATS_COLUMNS } from '../model/select-stats-sort.js';
import { CALL_COLUMNS, CONNECTION_COLUMNS } from '../model/store-selectors.js';
import {
  activeView,
  base,
  currentList,
  focusedList,
  listState,
  moveTo,
  withActive,
  withList,
  type NavState,
  type NavTarget,
  type View,
  type ViewCtx,
} from './nav-state.js';

/** Moves to the next (dir 1) or previous row for which `test` holds, wrapping around. */
export function seek(
  s: NavState,
  ctx: ViewCtx,
  dir: 1 | -1,
  test: ((row: number) => boolean) | undefined,
  none: string,
): NavState {
  const v = activeView(s);
  const list = currentList(focusedList(v), ctx.count);
  if (ctx.count === 0) return { ...s, message: none };
  if (!test) return withActive(s, withList(v, moveTo(list, list.cursor + dir, ctx.count, ctx.page)));
  for (let step = 1; step <= ctx.count; step++) {
    const row = (((list.cursor + dir * step) % ctx.count) + ctx.count) % ctx.count;
    if (test(row)) {
      const wrapped = dir === 1 ? row <= list.cursor : row >= list.cursor;
      const moved = withActive(s, withList(v, moveTo(list, row, ctx.count, ctx.page)));
      return wrapped
        ? { ...moved, message: dir === 1 ? 'search wrapped to the top' : 'search wrapped to the end' }
        : moved;
    }
  }
  return { ...s, message: none };
}

/** The next (or previous) section title after the cursor, wrapping around. */
export function toSection(s: NavState, ctx: ViewCtx, dir: 1 | -1): NavState {
  const rows = ctx.sections ?? [];
  if (rows.length === 0) return s;
  const v = activeView(s);
  const list = focusedList(v);
  const after =
    dir === 1 ? rows.find((r) => r > list.cursor) : [...rows].reverse().find((r) => r < list.cursor);
  const row = after ?? (dir === 1 ? rows[0]! : rows[rows.length - 1]!);
  // Put the title at the top of the page, so the section shows below it.
  return withActive(s, withList(v, { cursor: row, top: Math.max(0, Math.min(row, ctx.count - ctx.page)) }));
}

export function sortCommand(s: NavState, v: View, reverse: boolean): NavState {
  if (v.kind === 'calls') {
    const sort = reverse
      ? { ...v.sort, descending: !v.sort.descending }
      : { column: nextOf(CALL_COLUMNS, v.sort.column), descending: false };
    return sorted(s, { ...v, sort, lists: [listState()] }, sort.column, sort.descending);
  }
  if (v.kind === 'connections') {
    const sort = reverse
      ? { ...v.sort, descending: !v.sort.descending }
      : { column: nextOf(CONNECTION_COLUMNS, v.sort.column), descending: false };
    return sorted(s, { ...v, sort, lists: [listState()] }, sort.column, sort.descending);
  }
  if (v.kind === 'stats') return statsSort(s, v, reverse);
  return { ...s, message: 'this screen is in capture order (sort: Calls, Connections, Stats)' };
}

/** The Stats screen sorts its focused table; numbers start with the largest (what a statistic is for). */
function statsSort(s: NavState, v: Extract<View, { kind: 'stats' }>, reverse: boolean): NavState {
  const columns = STATS_COLUMNS[v.pane] ?? [];
  const now = v.sorts[v.pane];
  if (columns.length === 0 || !now)
    return {
      ...s,
      message: v.pane === 3 ? 'the IO graph is in time order' : 'most calls first, as --summary',
    };
  const column = reverse ? now.column : nextOf(columns, now.column);
  const sort = { column, descending: reverse ? !now.descending : !TEXT_COLUMNS.has(column) };
  const sorts = v.sorts.slice();
  sorts[v.pane] = sort;
  return sorted(s, withList({ ...v, sorts }, listState()), column, sort.descending);
}

/** Stats columns that sort as text or in their natural order: ascending first. */
const TEXT_COLUMNS = new Set(['method', 'connection', 'type', 'role', 'name']);

function sorted(s: NavState, v: View, column: string, descending: boolean): NavState {
  return { ...withActive(s, v), message: `sorted by ${column} ${descending ? 'descending' : 'ascending'}` };
}

function nextOf<T>(list: readonly T[], current: T): T {
  return list[(list.indexOf(current) + 1) % list.length]!;
}

export function hexCommand(s: NavState, v: View): NavState {
  if (v.kind === 'frames') return withActive(s, { ...v, pane: v.pane === 2 ? 1 : 2 });
  if (v.kind === 'call') return withActive(s, { ...v, hex: !v.hex });
  return s;
}

export function streamCommand(s: NavState, v: View, streams: number[], dir: 1 | -1): NavState {
  if (v.kind !== 'connection' || streams.length === 0) return s;
  // The connection (null) sits before the first stream and after the last: the choice cycles.
  const at = v.stream === null ? (dir === 1 ? -1 : streams.length) : streams.indexOf(v.stream);
  const next = at + dir;
  const stream = next < 0 || next >= streams.length ? null : streams[next]!;
  // The chart pane's own hint line says which stream is charted: the key hints stay.
  return withActive(s, { ...v, stream });
}

// --- Following references -------------------------------------------------------------------------------

export function follow(s: NavState, t: NavTarget): NavState {
  switch (t.kind) {
    case 'call':
      return push(s, { kind: 'call', ...base(), call: t.call, expanded: [], hex: false });
    case 'connection': {
      const view: View = { kind: 'connection', ...base(3), connection: t.connection, stream: null };
      if (t.row !== undefined) view.lists[0] = { cursor: t.row, top: Math.max(0, t.row - 3) };
      return push(s, view);
    }
    case 'hpack':
      return push(s, { kind: 'hpack', ...base(), frame: t.frame });
    case 'diagnostic':
      return push(s, { kind: 'diagnostic', ...base(), diagnostic: t.diagnostic });
    case 'filter': {
      const screen = {
        ...s.screens[t.top],
        filter: t.filter,
        lists: s.screens[t.top].lists.map(() => listState()),
      };
      return {
        ...s,
        top: t.top,
        stack: [],
        screens: { ...s.screens, [t.top]: screen },
        message: `filter: ${t.filter} (Esc clears)`,
      };
    }
    case 'group': {
      const lists = [{ cursor: t.row, top: Math.max(0, t.row - 3) }];
      const diagnostics = { ...s.screens.diagnostics, filter: '', expanded: [t.code], lists };
      return { ...s, top: 'diagnostics', stack: [], screens: { ...s.screens, diagnostics } };
    }
    case 'frame': {
      // Row = frame number once the filter is cleared; the detail pane shows the frame at once.
      const frames = s.screens.frames;
      const lists = [{ cursor: t.frame, top: Math.max(0, t.frame - 3) }, listState(), listState()];
      return {
        ...s,
        top: 'frames',
        stack: [],
        screens: { ...s.screens, frames: { ...frames, filter: '', lists, pane: 1 } },
      };
    }
    case 'pane': {
      const v = activeView(s);
      return withActive(s, { ...v, pane: Math.min(t.pane, v.lists.length - 1) });
    }
    case 'list': {
      // The list starts over at its first match; Esc there clears the filter.
      const old = s.screens[t.screen];
      const view = { ...old, filter: t.filter, pane: 0, lists: old.lists.map(() => listState()) };
      return { ...s, top: t.screen, stack: [], screens: { ...s.screens, [t.screen]: view } };
    }
    case 'toggle': {
      const v = activeView(s);
      if (v.kind === 'diagnostics') {
        const expanded = v.expanded.includes(t.key)
          ? v.expanded.filter((k) => k !== t.key)
          : [...v.expanded, t.key];
        return withActive(s, { ...v, expanded });
      }
      if (v.kind !== 'call') return s;
      const expanded = v.expanded.includes(t.key)
        ? v.expanded.filter((k) => k !== t.key)
        : [...v.expanded, t.key];
      return withActive(s, { ...v, expanded });
    }
  }
}

function push(s: NavState, view: View): NavState {
  return { ...s, stack: [...s.stack, view] };
}
