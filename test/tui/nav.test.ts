import { describe, expect, it } from 'vitest';
import type { KeyToken } from '../../src/tui/keys.js';
import { navReducer, type NavAction, type ViewCtx } from '../../src/tui/nav.js';
import { activeView, initialNav, type NavState } from '../../src/tui/nav-state.js';
import { windowOf } from '../../src/tui/window.js';

const ch = (c: string, ctrl = false): KeyToken => ({ kind: 'char', ch: c, ctrl });
const named = (name: Extract<KeyToken, { kind: 'key' }>['name']): KeyToken => ({ kind: 'key', name });

/** Feeds keys (strings are typed character by character) against one view context. */
function press(s: NavState, ctx: ViewCtx, ...keys: Array<string | KeyToken>): NavState {
  for (const k of keys) {
    const tokens = typeof k === 'string' ? [...k].map((c) => ch(c)) : [k];
    for (const token of tokens) s = navReducer(s, { type: 'key', token, ctx } satisfies NavAction);
  }
  return s;
}

const list = (count: number, page = 10, extra: Partial<ViewCtx> = {}): ViewCtx => ({ count, page, ...extra });
const cursor = (s: NavState): number => activeView(s).lists[activeView(s).pane]!.cursor;
const top = (s: NavState): number => activeView(s).lists[activeView(s).pane]!.top;

describe('moving in a list', () => {
  it('j/k and arrows move by one and stop at the ends', () => {
    let s = press(initialNav(), list(3), 'jjjjj');
    expect(cursor(s)).toBe(2);
    s = press(s, list(3), named('up'), 'k', 'k', 'k');
    expect(cursor(s)).toBe(0);
    s = press(s, list(3), named('down'));
    expect(cursor(s)).toBe(1);
  });

  it('pages move by page - 1 rows and scroll so the cursor stays visible', () => {
    let s = press(initialNav(), list(100, 10), named('pagedown'));
    expect(cursor(s)).toBe(9);
    expect(top(s)).toBe(0);
    s = press(s, list(100, 10), ' ');
    expect(cursor(s)).toBe(18);
    expect(top(s)).toBe(9);
    s = press(s, list(100, 10), ch('b', true));
    expect(cursor(s)).toBe(9);
    expect(top(s)).toBe(9);
  });

  it('g/G and Home/End go to the first and last row; G on a million rows shows the last page', () => {
    let s = press(initialNav(), list(1_000_000, 20), 'G');
    expect(cursor(s)).toBe(999_999);
    expect(top(s)).toBe(999_980);
    s = press(s, list(1_000_000, 20), named('home'));
    expect([cursor(s), top(s)]).toEqual([0, 0]);
    s = press(s, list(1_000_000, 20), named('end'));
    expect(cursor(s)).toBe(999_999);
  });

  it('an empty list keeps the cursor at 0', () => {
    expect(cursor(press(initialNav(), list(0), 'jjG'))).toBe(0);
  });
});

describe('screens and the stack', () => {
  it("1-5 switch top-level screens and keep each one's cursor", () => {
    let s = press(initialNav(), list(10), '2', 'jj');
    expect(s.top).toBe('calls');
    s = press(s, list(10), '4', 'j', '2');
    expect(s.top).toBe('calls');
    expect(cursor(s)).toBe(2);
    expect(s.screens.frames.lists[0]!.cursor).toBe(1);
  });

  it('Enter opens what the screen says; Esc, Backspace and ← go back', () => {
    const ctx = list(5, 10, { open: (r) => ({ kind: 'call', call: r * 10 }) });
    let s = press(initialNav(), ctx, '2', 'jj', named('return'));
    expect(activeView(s)).toMatchObject({ kind: 'call', call: 20 });
    s = press(s, list(50), 'jjj');
    expect(cursor(s)).toBe(3);
    s = press(s, list(50), named('escape'));
    expect(activeView(s).kind).toBe('calls');
    s = press(s, ctx, named('right'), named('backspace'));
    expect(activeView(s).kind).toBe('calls');
    s = press(s, ctx, named('return'), named('left'));
    expect(s.stack).toHaveLength(0);
  });

  it('a screen switch closes the detail screens', () => {
    const ctx = list(5, 10, { open: () => ({ kind: 'connection', connection: 0, row: 7 }) });
    let s = press(initialNav(), ctx, named('return'));
    expect(activeView(s)).toMatchObject({ kind: 'connection', connection: 0 });
    expect(activeView(s).lists[0]!.cursor).toBe(7);
    s = press(s, list(5), '3');
    expect(s.stack).toHaveLength(0);
    expect(s.top).toBe('connections');
  });

  it('a diagnostic pointing at a frame opens Frames on that frame, filter cleared, details focused', () => {
    let s = press(initialNav(), list(3), '4', '/', 'DATA', named('return'));
    expect(s.screens.frames.filter).toBe('DATA');
    s = press(s, list(3, 10, { open: () => ({ kind: 'frame', frame: 41 }) }), '5', named('return'));
    expect(s.top).toBe('frames');
    expect(s.screens.frames).toMatchObject({ filter: '', pane: 1 });
    expect(s.screens.frames.lists[0]!.cursor).toBe(41);
  });

  it('? opens help once; q quits; the load error screen is pushed only once', () => {
    let s = press(initialNav(), list(1), '?', '?');
    expect(s.stack.map((v) => v.kind)).toEqual(['help']);
    s = navReducer(s, { type: 'input-error' });
    s = press(s, list(0), named('escape'));
    s = navReducer(s, { type: 'input-error' });
    expect(s.stack.map((v) => v.kind)).toEqual(['help']);
    expect(press(s, list(0), 'q').quit).toBe(true);
  });
});

describe('the filter prompt', () => {
  it('takes every character (q and digits too), Backspace, Ctrl-U, and applies on Enter', () => {
    let s = press(initialNav(), list(10), '2', 'jjj', '/');
    expect(s.prompt).toEqual({ purpose: 'filter', text: '' });
    s = press(s, list(10), 'grpc.status == 14q', named('backspace'));
    expect(s.prompt!.text).toBe('grpc.status == 14');
    s = press(s, list(10), named('return'));
    expect(s.prompt).toBeNull();
    expect(s.screens.calls.filter).toBe('grpc.status == 14');
    expect(cursor(s)).toBe(0); // the narrowed list starts at its first match
    s = press(s, list(10), '/', ch('u', true), 'Echo', named('escape'));
    expect(s.screens.calls.filter).toBe('grpc.status == 14'); // Esc cancels the edit
    s = press(s, list(10), named('escape'));
    expect(s.screens.calls.filter).toBe(''); // Esc on a filtered list clears it
  });

  it('in a document the filter is a search: the cursor stays, n/N jump between matches and wrap', () => {
    const open = list(5, 10, { open: () => ({ kind: 'call', call: 0 }) });
    let s = press(initialNav(), open, '2', named('return'), '/', 'grpc', named('return'));
    expect(activeView(s)).toMatchObject({ kind: 'call', filter: 'grpc' });
    const doc = list(20, 5, { matches: (r) => r === 4 || r === 12 });
    s = press(s, doc, 'n');
    expect(cursor(s)).toBe(4);
    s = press(s, doc, 'n');
    expect(cursor(s)).toBe(12);
    expect(top(s)).toBe(8);
    s = press(s, doc, 'n');
    expect(cursor(s)).toBe(4);
    expect(s.message).toBe('search wrapped to the top');
    s = press(s, doc, 'N');
    expect(cursor(s)).toBe(12);
    expect(press(s, list(20, 5, { matches: () => false }), 'n').message).toBe('no match');
  });
});

describe('screen commands', () => {
  it('e/E jump to the next/previous error row, wrapping', () => {
    const ctx = list(10, 5, { isError: (r) => r === 3 || r === 7 });
    let s = press(initialNav(), ctx, '2', 'e');
    expect(cursor(s)).toBe(3);
    s = press(s, ctx, 'e', 'e');
    expect(cursor(s)).toBe(3);
    s = press(s, ctx, 'E');
    expect(cursor(s)).toBe(7);
    expect(press(s, list(10), 'e').message).toBe('no errors here');
  });

  it('s cycles the sort column, S reverses it, and both go back to the first row', () => {
    let s = press(initialNav(), list(10), '2', 'jj', 's');
    expect(s.screens.calls.sort).toEqual({ column: 'connection', descending: false });
    expect(cursor(s)).toBe(0);
    s = press(s, list(10), 'sssss', 'S');
    expect(s.screens.calls.sort).toEqual({ column: 'duration', descending: true });
    expect(s.message).toBe('sorted by duration descending');
    s = press(s, list(10), '3', 's');
    expect(s.screens.connections.sort.column).toBe('client');
    expect(press(s, list(1), '4', 's').message).toMatch(/capture order/);
  });

  it('Tab cycles panes (Frames: list, details, bytes), x toggles the bytes pane', () => {
    let s = press(initialNav(), list(3), '4', named('tab'));
    expect(s.screens.frames.pane).toBe(1);
    s = press(s, list(3), named('tab'), named('tab'));
    expect(s.screens.frames.pane).toBe(0);
    s = press(s, list(3), named('backtab'));
    expect(s.screens.frames.pane).toBe(2);
    s = press(s, list(3), 'x');
    expect(s.screens.frames.pane).toBe(1);
    s = press(s, list(3), 'x');
    expect(s.screens.frames.pane).toBe(2);
  });

  it('Tab in a one-pane document jumps to the next section title, at the top of the page', () => {
    const open = list(5, 10, { open: () => ({ kind: 'call', call: 1 }) });
    let s = press(initialNav(), open, '2', named('return'));
    const doc = list(100, 10, { sections: [0, 30, 95] });
    s = press(s, doc, named('tab'));
    expect([cursor(s), top(s)]).toEqual([30, 30]);
    s = press(s, doc, named('tab'));
    expect([cursor(s), top(s)]).toEqual([95, 90]);
    s = press(s, doc, named('tab'));
    expect(cursor(s)).toBe(0);
    s = press(s, doc, named('backtab'));
    expect(cursor(s)).toBe(95);
  });

  it('Enter on a message toggles it; x shows raw bytes in a call', () => {
    const open = list(5, 10, { open: () => ({ kind: 'call', call: 1 }) });
    let s = press(initialNav(), open, '2', named('return'));
    const doc = list(10, 10, { open: () => ({ kind: 'toggle', key: 'req:0' }) });
    s = press(s, doc, named('return'));
    expect(activeView(s)).toMatchObject({ expanded: ['req:0'] });
    s = press(s, doc, named('return'), 'x');
    expect(activeView(s)).toMatchObject({ expanded: [], hex: true });
  });

  it('H and c follow the row to the HPACK inspector and the connection', () => {
    const ctx = list(5, 10, { hpackOf: (r) => (r === 1 ? 99 : null), connectionOf: () => 4 });
    let s = press(initialNav(), ctx, '4', 'H');
    expect(s.stack).toHaveLength(0); // row 0 is not a header block
    s = press(s, ctx, 'j', 'H');
    expect(activeView(s)).toMatchObject({ kind: 'hpack', frame: 99 });
    s = press(s, ctx, named('escape'), 'c');
    expect(activeView(s)).toMatchObject({ kind: 'connection', connection: 4, stream: null });
  });

  it('[ and ] choose the charted stream, with "connection" before the first', () => {
    let s = press(
      initialNav(),
      list(1, 5, { open: () => ({ kind: 'connection', connection: 0 }) }),
      named('return'),
    );
    const ctx = list(0, 5, { streams: [1, 3, 5] });
    s = press(s, ctx, ']');
    expect(activeView(s)).toMatchObject({ stream: 1 });
    s = press(s, ctx, ']]');
    expect(activeView(s)).toMatchObject({ stream: 5 });
    s = press(s, ctx, ']');
    expect(activeView(s)).toMatchObject({ stream: null });
    s = press(s, ctx, '[');
    expect(activeView(s)).toMatchObject({ stream: 5 });
    // The chart pane says which stream it charts: the key hints stay (issue #15).
    expect(s.message).toBeNull();
  });

  it('unknown keys change nothing but clear the message', () => {
    const s = press(initialNav(), list(3), '4', 's');
    expect(s.message).not.toBeNull();
    const t = press(s, list(3), 'z');
    expect(t).toEqual({ ...s, message: null });
  });
});

describe('following new rows (tail -f)', () => {
  const shown = (s: NavState, count: number, page = 10) => windowOf(activeView(s).lists[0], count, page);

  it('a list at its last row stays on the newest row as rows arrive; k lets go', () => {
    let s = press(initialNav(), list(10), '4', 'G');
    expect(shown(s, 10).cursor).toBe(9);
    expect(shown(s, 25)).toEqual({ cursor: 24, top: 15, end: 25 }); // 15 rows arrived
    s = press(s, list(25), 'k'); // moves from the newest row, and stops following
    expect(cursor(s)).toBe(23);
    expect(shown(s, 40).cursor).toBe(23);
    s = press(s, list(40), 'j'.repeat(16)); // back at the last row: following again
    expect(shown(s, 50).cursor).toBe(49);
  });

  it('F turns following off (and on again, jumping to the last row)', () => {
    let s = press(initialNav(), list(10), '4', 'F');
    expect(s.follow).toBe(false);
    expect(s.message).toBe('not following new rows');
    s = press(s, list(10), 'G');
    expect(shown(s, 30).cursor).toBe(9);
    s = press(s, list(30), 'F');
    expect(s.follow).toBe(true);
    expect(shown(s, 30).cursor).toBe(29);
    expect(shown(s, 31).cursor).toBe(30);
  });

  it('Enter on a followed list opens the row under the cursor, the newest', () => {
    const opened: number[] = [];
    const ctx = (count: number): ViewCtx =>
      list(count, 10, { open: (row) => (opened.push(row), { kind: 'frame', frame: row }) });
    const s = press(initialNav(), ctx(5), '4', 'G');
    press(s, ctx(8), named('return'));
    expect(opened).toEqual([7]);
  });
});

describe('the Stats screen (6)', () => {
  it('Tab changes the table, each with its own cursor and sort; s sorts numbers largest first', () => {
    let s = press(initialNav(), list(10), '6', 'jj', named('tab'), 'j');
    const v = () => activeView(s) as Extract<ReturnType<typeof activeView>, { kind: 'stats' }>;
    expect(s.top).toBe('stats');
    expect([v().pane, v().lists[0]!.cursor, v().lists[1]!.cursor]).toEqual([1, 2, 1]);
    s = press(s, list(10), 's');
    expect(v().sorts[1]).toEqual({ column: 'type', descending: false });
    s = press(s, list(10), 's');
    expect(v().sorts[1]).toEqual({ column: 'clientFrames', descending: true });
    expect(s.message).toBe('sorted by clientFrames descending');
    expect(v().lists[1]!.cursor).toBe(0);
    expect(v().sorts[0]).toEqual({ column: 'calls', descending: true });
    s = press(s, list(4), named('tab'), named('tab'), 's');
    expect(s.message).toBe('the IO graph is in time order');
  });

  it('Enter on a row opens Calls or Frames under its filter, with the cursor at the top', () => {
    const ctx = list(3, 10, {
      open: () => ({ kind: 'list', screen: 'frames', filter: 'http2.type == DATA' }),
    });
    let s = press(initialNav(), list(100), '4', 'jjjj', '6');
    s = press(s, ctx, named('return'));
    expect(s.top).toBe('frames');
    expect(activeView(s)).toMatchObject({ kind: 'frames', filter: 'http2.type == DATA' });
    expect(cursor(s)).toBe(0);
    expect(activeView(s).lists).toHaveLength(3);
  });
});

describe('the Stats screen and /', () => {
  it('says that Stats are not filtered instead of opening a prompt that would do nothing', () => {
    const s = press(initialNav(), list(3), '6', '/');
    expect(s.prompt).toBeNull();
    expect(s.message).toBe('Stats are not filtered: Enter lists a row under a filter');
  });
});
