/**
 * The navigation reducer: (state, key) -> state, pure and tested without ink. The active screen describes
 * its focused list in a ViewCtx (row count, page height, what Enter opens, which rows match or are
 * errors), so the reducer can clamp cursors and follow references without knowing the capture.
 */
import { streamFilter } from './stream-filter.js';
import { TIME_FORMAT_TEXT, TIME_FORMATS } from './clock.js';
import type { KeyToken } from './keys.js';
import { follow, hexCommand, seek, sortCommand, streamCommand, toSection } from './nav-commands.js';
import {
  activeView,
  base,
  currentList,
  focusedList,
  listState,
  moveTo,
  withActive,
  withList,
  TOP_VIEWS,
  type NavState,
  type NavTarget,
  type TopId,
  type View,
  type ViewCtx,
} from './nav-state.js';

export type { NavTarget, ViewCtx } from './nav-state.js';

export type NavAction =
  | { type: 'key'; token: KeyToken; ctx: ViewCtx }
  | { type: 'goto'; target: NavTarget }
  /** The input could not be read: show the error screen once. */
  | { type: 'input-error' }
  /** A line for the status bar (the outcome of an effect). */
  | { type: 'message'; text: string };

export function navReducer(s: NavState, a: NavAction): NavState {
  switch (a.type) {
    case 'key':
      return s.prompt ? promptKey(s, a.token) : commandKey({ ...s, message: null }, a.token, a.ctx);
    case 'goto':
      return follow(s, a.target);
    case 'message':
      return { ...s, message: a.text };
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

const DOCUMENTS = new Set<View['kind']>(['call', 'connection', 'diagnostic', 'help', 'hpack', 'error']);

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
  | 'follow'
  | 'valueFilter'
  | 'followStream'
  | 'writePcap'
  | 'copy'
  | 'timeFormat'
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
  F: 'follow',
  f: 'valueFilter',
  T: 'followStream',
  w: 'writePcap',
  y: 'copy',
  t: 'timeFormat',
  '1': 'overview',
  '2': 'calls',
  '3': 'connections',
  '4': 'frames',
  '5': 'diagnostics',
  '6': 'stats',
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
  const list = currentList(focusedList(v), ctx.count);
  const move = (row: number): NavState =>
    withActive(s, withList(v, moveTo(list, row, ctx.count, ctx.page, s.follow)));
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
    case 'follow': {
      const on = !s.follow;
      const next = {
        ...s,
        follow: on,
        message: on ? 'following new rows (F stops)' : 'not following new rows',
      };
      const moved = moveTo(list, on ? ctx.count - 1 : list.cursor, ctx.count, ctx.page, on);
      return withActive(next, withList(v, moved));
    }
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
  const cursor = currentList(focusedList(v), ctx.count).cursor;
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
      if (v.kind === 'stats')
        return { ...s, message: 'Stats are not filtered: Enter lists a row under a filter' };
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
    case 'valueFilter': {
      const filter = ctx.count > 0 ? ctx.valueFilter?.(cursor) : null;
      if (!filter) return { ...s, message: 'no value to filter on here' };
      // Lists only publish valueFilter: the filter narrows the list the value was picked from.
      return follow(s, { kind: 'filter', top: s.top, filter });
    }
    case 'followStream': {
      const st = ctx.count > 0 ? ctx.streamOf?.(cursor) : null;
      if (!st) return { ...s, message: 'no stream here' };
      return follow(s, { kind: 'filter', top: 'frames', filter: streamFilter(st) });
    }
    case 'writePcap': {
      const p = ctx.count > 0 ? ctx.pcapOf?.(cursor) : null;
      if (!p)
        return { ...s, message: 'nothing to write here (w: a connection, a call or a followed stream)' };
      return { ...s, effects: [...s.effects, { kind: 'write-pcap', ...p }] };
    }
    case 'timeFormat': {
      const timeFormat = TIME_FORMATS[(TIME_FORMATS.indexOf(s.timeFormat) + 1) % TIME_FORMATS.length]!;
      return { ...s, timeFormat, message: `times: ${TIME_FORMAT_TEXT[timeFormat]} (t changes)` };
    }
    case 'copy': {
      const c = ctx.copyText?.() ?? null;
      if (!c) return { ...s, message: 'nothing to copy here' };
      return {
        ...s,
        effects: [...s.effects, { kind: 'print', text: c.text, what: c.what }],
        message: `${c.what}: printed when you quit (q)`,
      };
    }
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
