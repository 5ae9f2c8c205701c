import { Box } from 'ink';
import type { CaptureStore } from '../model/store.js';
import { sectionRows, type DocLine } from './doc.js';
import type { RowFilter } from './filter-match.js';
import { lineText, type Line } from './lines.js';
import type { ListState } from './nav-state.js';
import type { NavTarget, ViewCtx } from './nav.js';
import { Rows } from './Rows.js';
import { usePublishCtx } from './view-ctx.js';
import { windowOf } from './window.js';

/** Lines matching the `/` search are drawn in the match colour (bold without colours). */
function highlight(line: Line): Line {
  return line.map((s) => ({ ...s, role: 'match', bold: true }));
}

/** A document held as an array, or built row by row (a flow graph of a million frames). */
export type DocSource = DocLine[] | { count: number; lineAt(row: number): DocLine };

function access(src: DocSource): {
  count: number;
  lineAt(row: number): DocLine | undefined;
  sections?: number[];
} {
  if (Array.isArray(src)) return { count: src.length, lineAt: (r) => src[r], sections: sectionRows(src) };
  return src;
}

/**
 * A scrollable document with a cursor: Enter toggles a message tree or opens the line's frame, H opens a
 * HEADERS frame in the HPACK inspector, n/N jump between lines matching the search, Tab between sections.
 * Only visible rows are built.
 */
export function DocumentView({
  store,
  doc,
  list,
  filter,
  width,
  height,
  focused = true,
  extra,
}: {
  store: CaptureStore;
  doc: DocSource;
  list: ListState | undefined;
  filter: RowFilter;
  width: number;
  height: number;
  /** Only the focused pane publishes the key context and shows the cursor. */
  focused?: boolean;
  extra?: Partial<ViewCtx>;
}) {
  const src = access(doc);
  const win = windowOf(list, src.count, height);
  const searching = filter.kind === 'text' || filter.kind === 'expression';
  const matches = (r: number): boolean => searching && filter.line(lineText(src.lineAt(r)?.line ?? []));
  const ctx: ViewCtx = {
    count: src.count,
    page: height,
    open: (r) => openLine(src.lineAt(r)),
    matches: searching ? matches : () => false,
    hpackOf: (r) => headersFrame(store, src.lineAt(r)),
    ...(src.sections ? { sections: src.sections } : {}),
    ...extra,
  };
  usePublishCtx(focused ? ctx : null);
  const lines: Line[] = [];
  for (let i = win.top; i < win.end; i++) {
    const l = src.lineAt(i)?.line ?? [];
    lines.push(searching && matches(i) ? highlight(l) : l);
  }
  return (
    <Box height={height} flexDirection="column">
      <Rows lines={lines} width={width} height={height} selected={focused ? win.cursor - win.top : -1} />
    </Box>
  );
}

function openLine(d: DocLine | undefined): NavTarget | null {
  if (!d) return null;
  if (d.target) return d.target;
  if (d.toggle) return { kind: 'toggle', key: d.toggle };
  if (d.frame !== undefined) return { kind: 'frame', frame: d.frame };
  return null;
}

function headersFrame(store: CaptureStore, d: DocLine | undefined): number | null {
  if (d?.frame === undefined) return null;
  return store.frames.headers(d.frame) ? d.frame : null;
}
