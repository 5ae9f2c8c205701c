/**
 * The navigation reducer: (state, key) -> state, pure and tested without ink. The active screen describes
 * its focused list in a ViewCtx (row count, page height, what Enter opens, which rows match or are
 * errors), so the reducer can clamp cursors and follow references without knowing the capture.
 */
import { CALL_COLUMNS, CONNECTION_COLUMNS } from '../model/store-selectors.js';
import type { KeyToken } from './keys.js';
import {
  activeView,
  base,
  focusedList,
  listState,
  moveTo,
  withActive,
  withList,
  TOP_VIEWS,
  type NavState,
  type TopId,
  type View,
} from './nav-state.js';

/** Where Enter (or a jump key) leads. Rows are rows of the target's first pane. */
export type NavTarget =
  | { kind: 'call'; call: number }
  | { kind: 'connection'; connection: number; row?: number }
  | { kind: 'frame'; frame: number }
  | { kind: 'hpack'; frame: number }
  | { kind: 'pane'; pane: number }
  | { kind: 'toggle'; key: string };

/** What the active screen tells the reducer about its focused pane. */
export interface ViewCtx {
  count: number;
  /** Rows visible at once. */
  page: number;
  open?(row: number): NavTarget | null;
  /** Rows matching the filter, in screens that highlight matches instead of hiding the rest. */
  matches?(row: number): boolean;
  isError?(row: number): boolean;
  connectionOf?(row: number): number | null;
  hpackOf?(row: number): number | null;
  /** Streams the connection screen can chart ([ and ] choose). */
  streams?: number[];
  /** Section title rows of a one-pane document: Tab and Shift-Tab jump between them. */
  sections?: number[];
}

export type NavAction =
  | { type: 'key'; token: KeyToken; ctx: ViewCtx }
  | { type: 'goto'; target: NavTarget }
  /** The input could not be read: show the error screen once. */
  | { type: 'input-error' };

export function navReducer(s: NavState, a: NavAction): NavState {
  switch (a.type) {
    case 'key':
      return s.prompt ? promptKey(s, a.token) : commandKey({ ...s, message: null }, a.token, a.ctx);
    case 'goto':
      return follow(s, a.target);
    case 'input-error':
      if (s.errorShown) return s;
      return { ...s, errorShown: true, stack: [...s.stack, { kind: 'error', ...base() }] };
  }
}

// --- The filter prompt ----------------------------------------------------------------------------------

function promptKey(s: NavState, t: KeyToken): NavState {
  const prompt = s.prompt!;
  if (t.kind === 'char') {
    if (t.ctrl && t.ch === 'u') return { ...s, prompt: { ...prompt, text: '' } };
    if (t.ctrl) return s;
    return { ...s, prompt: { ...prompt, text: prompt.text + t.ch } };
  }
  switch (t.name) {
    case 'return':
      return applyFilter({ ...s, prompt: null }, prompt.text.trim());
    case 'escape':
      return { ...s, prompt: null };
    case 'backspace':
    case 'delete':
      return { ...s, prompt: { ...prompt, text: [...prompt.text].slice(0, -1).join('') } };
    default:
      return s;
  }
}

const DOCUMENTS = new Set<View['kind']>(['call', 'connection', 'help', 'hpack', 'error']);

function applyFilter(s: NavState, text: string): NavState {
  const v = activeView(s);
  if (DOCUMENTS.has(v.kind)) return withActive(s, { ...v, filter: text });
  // A list narrows to the matches: start at the first one.
  const lists = v.lists.map((l, i) => (i === 0 ? listState() : l));
  return withActive(s, { ...v, filter: text, lists });
}

// --- Commands -------------------------------------------------------------------------------------------

type Command =
  | 'down'
  | 'up'
  | 'pageDown'
  | 'pageUp'
  | 'first'
  | 'last'
  | 'open'
  | 'back'
  | 'nextPane'
  | 'prevPane'
  | 'quit'
  | 'help'
  | 'filter'
  | 'next'
  | 'prev'
  | 'sort'
  | 'reverse'
  | 'nextError'
  | 'prevError'
  | 'hex'
  | 'hpack'
  | 'connection'
  | 'prevStream'
  | 'nextStream'
  | TopId;

const NAMED_COMMANDS: Record<string, Command> = {
  up: 'up',
  down: 'down',
  pageup: 'pageUp',
  pagedown: 'pageDown',
  home: 'first',
  end: 'last',
  return: 'open',
  right: 'open',
  escape: 'back',
  backspace: 'back',
  left: 'back',
  tab: 'nextPane',
  backtab: 'prevPane',
};

const CHAR_COMMANDS: Record<string, Command> = {
  j: 'down',
  k: 'up',
  ' ': 'pageDown',
  g: 'first',
  G: 'last',
  q: 'quit',
  '?': 'help',
  '/': 'filter',
  n: 'next',
  N: 'prev',
  s: 'sort',
  S: 'reverse',
  e: 'nextError',
  E: 'prevError',
  x: 'hex',
  H: 'hpack',
  c: 'connection',
  '[': 'prevStream',
  ']': 'nextStream',
  '1': 'overview',
  '2': 'calls',
  '3': 'connections',
  '4': 'frames',
  '5': 'diagnostics',
};

const CTRL_COMMANDS: Record<string, Command> = { f: 'pageDown', b: 'pageUp', d: 'pageDown', u: 'pageUp' };

export function commandOf(t: KeyToken): Command | null {
  if (t.kind === 'key') return NAMED_COMMANDS[t.name] ?? null;
  return (t.ctrl ? CTRL_COMMANDS[t.ch] : CHAR_COMMANDS[t.ch]) ?? null;
}

function commandKey(s: NavState, t: KeyToken, ctx: ViewCtx): NavState {
  const cmd = commandOf(t);
  if (cmd === null) return s;
  if ((TOP_VIEWS as readonly string[]).includes(cmd)) return { ...s, top: cmd as TopId, stack: [] };
  const v = activeView(s);
  const list = focusedList(v);
  const move = (row: number): NavState => withActive(s, withList(v, moveTo(list, row, ctx.count, ctx.page)));
  switch (cmd) {
    case 'down':
      return move(list.cursor + 1);
    case 'up':
      return move(list.cursor - 1);
    case 'pageDown':
      return move(list.cursor + Math.max(1, ctx.page - 1));
    case 'pageUp':
      return move(list.cursor - Math.max(1, ctx.page - 1));
    case 'first':
      return move(0);
    case 'last':
      return move(ctx.count - 1);
    case 'next':
    case 'prev':
      return seek(s, ctx, cmd === 'next' ? 1 : -1, ctx.matches, 'no match');
    case 'nextError':
    case 'prevError':
      return seek(s, ctx, cmd === 'nextError' ? 1 : -1, ctx.isError ?? (() => false), 'no errors here');
    default:
      return viewCommand(s, cmd, ctx);
  }
}

function viewCommand(s: NavState, cmd: Command, ctx: ViewCtx): NavState {
  const v = activeView(s);
  const cursor = focusedList(v).cursor;
  switch (cmd) {
    case 'open': {
      const target = ctx.count > 0 ? ctx.open?.(cursor) : null;
      return target ? follow(s, target) : s;
    }
    case 'back':
      return back(s);
    case 'nextPane':
    case 'prevPane': {
      if (v.lists.length === 1 && ctx.sections) return toSection(s, ctx, cmd === 'nextPane' ? 1 : -1);
      const n = v.lists.length;
      return withActive(s, { ...v, pane: (v.pane + (cmd === 'nextPane' ? 1 : n - 1)) % n });
    }
    case 'quit':
      return { ...s, quit: true };
    case 'help':
      return v.kind === 'help' ? s : { ...s, stack: [...s.stack, { kind: 'help', ...base() }] };
    case 'filter':
      return { ...s, prompt: { purpose: 'filter', text: v.filter } };
    case 'sort':
    case 'reverse':
      return sortCommand(s, v, cmd === 'reverse');
    case 'hex':
      return hexCommand(s, v);
    case 'hpack':
      return reference(s, ctx.count > 0 ? ctx.hpackOf?.(cursor) : null, (frame) => ({
        kind: 'hpack',
        frame,
      }));
    case 'connection':
      return reference(s, ctx.count > 0 ? ctx.connectionOf?.(cursor) : null, (connection) => ({
        kind: 'connection',
        connection,
      }));
    case 'prevStream':
    case 'nextStream':
      return streamCommand(s, v, ctx.streams ?? [], cmd === 'nextStream' ? 1 : -1);
    default:
      return s;
  }
}

function reference(s: NavState, id: number | null | undefined, target: (id: number) => NavTarget): NavState {
  return id === null || id === undefined ? s : follow(s, target(id));
}

function back(s: NavState): NavState {
  if (s.stack.length > 0) return { ...s, stack: s.stack.slice(0, -1) };
  const v = activeView(s);
  if (v.filter !== '') return withActive(s, { ...v, filter: '' });
  return s;
}

/** Moves to the next (dir 1) or previous row for which `test` holds, wrapping around. */
function seek(
  s: NavState,
  ctx: ViewCtx,
  dir: 1 | -1,
  test: ((row: number) => boolean) | undefined,
  none: string,
): NavState {
  const v = activeView(s);
  const list = focusedList(v);
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
function toSection(s: NavState, ctx: ViewCtx, dir: 1 | -1): NavState {
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

function sortCommand(s: NavState, v: View, reverse: boolean): NavState {
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
  return { ...s, message: 'this screen is in capture order (sort: Calls and Connections)' };
}

function sorted(s: NavState, v: View, column: string, descending: boolean): NavState {
  return { ...withActive(s, v), message: `sorted by ${column} ${descending ? 'descending' : 'ascending'}` };
}

function nextOf<T>(list: readonly T[], current: T): T {
  return list[(list.indexOf(current) + 1) % list.length]!;
}

function hexCommand(s: NavState, v: View): NavState {
  if (v.kind === 'frames') return withActive(s, { ...v, pane: v.pane === 2 ? 1 : 2 });
  if (v.kind === 'call') return withActive(s, { ...v, hex: !v.hex });
  return s;
}

function streamCommand(s: NavState, v: View, streams: number[], dir: 1 | -1): NavState {
  if (v.kind !== 'connection' || streams.length === 0) return s;
  // The connection (null) sits before the first stream and after the last: the choice cycles.
  const at = v.stream === null ? (dir === 1 ? -1 : streams.length) : streams.indexOf(v.stream);
  const next = at + dir;
  const stream = next < 0 || next >= streams.length ? null : streams[next]!;
  return {
    ...withActive(s, { ...v, stream }),
    message: stream === null ? 'connection window' : `stream ${stream}`,
  };
}

// --- Following references -------------------------------------------------------------------------------

function follow(s: NavState, t: NavTarget): NavState {
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
    case 'toggle': {
      const v = activeView(s);
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
