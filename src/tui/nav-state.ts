/**
 * Navigation state: which screen is shown, the cursor and scroll of each list, filters and sort orders.
 * Capture data is not here (it is in the store); rows are referred to by number. The reducer is in
 * nav.ts; this file holds the shapes and the small list arithmetic.
 */
import { STATS_SORTS } from '../model/select-stats-sort.js';
import type { CallColumn, ConnectionColumn, SortSpec } from '../model/store-selectors.js';
import type { TimeFormat } from './clock.js';

export const TOP_VIEWS = ['overview', 'calls', 'connections', 'frames', 'diagnostics', 'stats'] as const;
export type TopId = (typeof TOP_VIEWS)[number];

export interface ListState {
  cursor: number;
  /** First visible row. */
  top: number;
  /**
   * Pinned to the last row: while rows arrive (a live capture, a file still loading) the cursor stays
   * on the newest, like `tail -f`. Set by reaching the last row while NavState.follow is on.
   */
  pinned?: boolean;
}

interface ViewBase {
  /** Focused pane (Tab moves it); each pane has its own list state. */
  pane: number;
  lists: ListState[];
  /** The `/` filter (lists narrow to matches; documents highlight them and n/N jump between them). */
  filter: string;
}

export type View =
  | (ViewBase & { kind: 'overview' })
  | (ViewBase & { kind: 'calls'; sort: SortSpec<CallColumn> })
  | (ViewBase & { kind: 'connections'; sort: SortSpec<ConnectionColumn> })
  /** Panes: 0 the frame list, 1 the decoded fields of the selected frame, 2 its bytes. */
  | (ViewBase & { kind: 'frames' })
  /** Groups of diagnostics by code; `expanded` holds the codes whose instances are listed. */
  | (ViewBase & { kind: 'diagnostics'; expanded: string[] })
  /** One diagnostic in full: explanation, fix, evidence, links (an index into store.diagnostics). */
  | (ViewBase & { kind: 'diagnostic'; diagnostic: number })
  /** Panes (Tab): 0 methods, 1 frame types, 2 endpoints, 3 IO graph; a sort per pane (STATS_COLUMNS). */
  | (ViewBase & { kind: 'stats'; sorts: Array<SortSpec<string>> })
  /** One document; `expanded` holds the keys of opened message trees, `hex` shows raw bytes. */
  | (ViewBase & { kind: 'call'; call: number; expanded: string[]; hex: boolean })
  /** Panes: 0 flow graph, 1 settings / pings / GOAWAY / RST_STREAM, 2 flow-control windows. */
  | (ViewBase & { kind: 'connection'; connection: number; stream: number | null })
  | (ViewBase & { kind: 'hpack'; frame: number })
  | (ViewBase & { kind: 'help' })
  | (ViewBase & { kind: 'error' });

export type ViewKind = View['kind'];

export interface Prompt {
  /** What the text is for (only the filter today). */
  purpose: 'filter';
  text: string;
}

/**
 * What a key asks of the world outside the UI, queued in the state (the reducer stays pure) and carried
 * out by the App's owner (src/tui/run.tsx): text printed on exit, packets written to a pcap file.
 */
export type Effect =
  | { kind: 'print'; text: string; what: string }
  | {
      kind: 'write-pcap';
      connection: string;
      what: string;
      /**
       * Only these packets (capture record numbers, as `frame.packet`), e.g. those that completed the frames
       * of a followed stream; absent: every packet of the connection.
       */
      packets?: number[];
      /** Names the file: "h2scope-{name}.pcap" (default: the connection id). */
      name?: string;
    };

export interface NavState {
  top: TopId;
  /** The top-level screens keep their state while another is shown. */
  screens: { [K in TopId]: Extract<View, { kind: K }> };
  /** Detail screens opened on top of the current top-level screen (Esc pops). */
  stack: View[];
  prompt: Prompt | null;
  /** One line for the status bar ("no match", "sorted by duration"), cleared by the next key. */
  message: string | null;
  /** The load error screen was shown once (it is not shown again when dismissed). */
  errorShown: boolean;
  /** Lists at their last row follow new rows (F toggles; on by default). */
  follow: boolean;
  /** How every screen shows times (`t` cycles). */
  timeFormat: TimeFormat;
  /** Effects asked for so far, in order (append-only: the App carries out the ones it has not yet). */
  effects: Effect[];
  quit: boolean;
}

export function listState(cursor = 0): ListState {
  return { cursor, top: 0 };
}

export function base(panes = 1): ViewBase {
  return { pane: 0, lists: Array.from({ length: panes }, () => listState()), filter: '' };
}

export function initialNav(): NavState {
  return {
    top: 'overview',
    screens: {
      overview: { kind: 'overview', ...base() },
      calls: { kind: 'calls', ...base(), sort: { column: 'time', descending: false } },
      connections: { kind: 'connections', ...base(), sort: { column: 'id', descending: false } },
      frames: { kind: 'frames', ...base(3) },
      diagnostics: { kind: 'diagnostics', ...base(), expanded: [] },
      stats: { kind: 'stats', ...base(5), sorts: STATS_SORTS.map((x) => ({ ...x })) },
    },
    stack: [],
    prompt: null,
    follow: true,
    message: null,
    errorShown: false,
    effects: [],
    timeFormat: 'relative',
    quit: false,
  };
}

export function activeView(s: NavState): View {
  return s.stack[s.stack.length - 1] ?? s.screens[s.top];
}

/** Replaces the active view (top of the stack, or the current top-level screen). */
export function withActive(s: NavState, view: View): NavState {
  if (s.stack.length > 0) return { ...s, stack: [...s.stack.slice(0, -1), view] };
  return { ...s, screens: { ...s.screens, [s.top]: view } };
}

export function focusedList(v: View): ListState {
  return v.lists[v.pane] ?? listState();
}

export function withList(v: View, list: ListState): View {
  const lists = v.lists.slice();
  lists[v.pane] = list;
  return { ...v, lists };
}

/**
 * Puts the cursor at `row` (clamped to the rows) and scrolls just enough to show it; with `follow`, a
 * cursor that lands on the last row pins the list there (see ListState.pinned).
 */
export function moveTo(list: ListState, row: number, count: number, page: number, follow = false): ListState {
  const cursor = Math.max(0, Math.min(row, count - 1));
  const next: ListState = { cursor, top: scrollFor(list.top, cursor, count, page) };
  if (follow && count > 0 && cursor === count - 1) next.pinned = true;
  return next;
}

/** The list as it stands with `count` rows: a pinned list's cursor is on the last row. */
export function currentList(list: ListState, count: number): ListState {
  return list.pinned && count > 0 ? { ...list, cursor: count - 1 } : list;
}

/** The first visible row that keeps `cursor` on a page of `page` rows. */
export function scrollFor(top: number, cursor: number, count: number, page: number): number {
  const rows = Math.max(1, page);
  let t = Math.min(top, Math.max(0, count - rows));
  if (cursor < t) t = cursor;
  if (cursor >= t + rows) t = cursor - rows + 1;
  return Math.max(0, t);
}

/** Where Enter (or a jump key) leads. Rows are rows of the target's first pane. */
export type NavTarget =
  | { kind: 'call'; call: number }
  | { kind: 'connection'; connection: number; row?: number }
  | { kind: 'frame'; frame: number }
  | { kind: 'diagnostic'; diagnostic: number }
  /** The Diagnostics screen with the group of `code` expanded and the cursor on `row`. */
  | { kind: 'group'; code: string; row: number }
  /** A top-level list with this filter applied (the failed calls of a method, a value as a filter). */
  | { kind: 'filter'; top: TopId; filter: string }
  | { kind: 'hpack'; frame: number }
  | { kind: 'pane'; pane: number }
  | { kind: 'toggle'; key: string }
  /** A top-level list narrowed by a display filter (Enter on a Stats row). */
  | { kind: 'list'; screen: 'calls' | 'frames'; filter: string };

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
  /** `f`: the row's value as a display filter for this screen ("grpc.method == ..."). */
  valueFilter?(row: number): string | null;
  /** `T`: the HTTP/2 stream of the row, to follow in Frames (both directions, in order). */
  streamOf?(row: number): { connection: string; stream: number } | null;
  /** `w`: the connection (or, with `packets`, the packets of it) the row's selection writes to a pcap file. */
  pcapOf?(row: number): { connection: string; what: string; packets?: number[]; name?: string } | null;
  /** `y`: text to print when the UI quits (a command to copy whole: never wrapped on screen). */
  copyText?(): { text: string; what: string } | null;
}
