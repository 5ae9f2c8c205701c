import { Box } from 'ink';
import { useMemo } from 'react';
import type { CaptureStore } from '../model/store.js';
import { selectDiagnosticGroups, type DiagnosticGroup } from '../model/store-selectors.js';
import { useClock } from './clock.js';
import { groupLine, instanceLine } from './diagnostic-rows.js';
import { count, counted, safe } from './format.js';
import { seg, wrapWords, type Line } from './lines.js';
import { LineView } from './LineView.js';
import { Rows } from './Rows.js';
import { connectionContext, type ScreenProps } from './screen-props.js';
import { TitleBar } from './TitleBar.js';
import { useFilter } from './use-filter.js';
import { quoted } from './filter-match.js';
import { usePublishCtx } from './view-ctx.js';
import { windowOf } from './window.js';

/**
 * The rows of the grouped list: a group header is -(g + 1), an instance its diagnostic index. Built only
 * for expanded groups, so 176,648 diagnostics of a few codes are a few rows until one is opened.
 */
export function groupRows(groups: DiagnosticGroup[], expanded: readonly string[]): Int32Array {
  let n = groups.length;
  for (const g of groups) if (expanded.includes(g.code)) n += g.rows.length;
  const rows = new Int32Array(n);
  let at = 0;
  groups.forEach((g, i) => {
    rows[at++] = -(i + 1);
    if (expanded.includes(g.code)) for (const r of g.rows) rows[at++] = r;
  });
  return rows;
}

/** Diagnostics grouped by code, most severe first; Enter expands a group, Enter on one opens it in full. */
export function DiagnosticsScreen({ store, version, view, width, height }: ScreenProps<'diagnostics'>) {
  const filter = useFilter(view.filter);
  const diags = store.diagnostics;
  const groups = useMemo(
    () =>
      selectDiagnosticGroups(store, (d) =>
        filter.diagnostic(d, d.connection ? connectionContext(store, d.connection) : undefined),
      ),
    [store, version, filter],
  );
  const rows = useMemo(() => groupRows(groups, view.expanded), [groups, view.expanded]);
  const clock = useClock(store);
  const previewHeight = Math.min(6, Math.max(2, Math.floor(height / 4)));
  const page = Math.max(1, height - 1 - previewHeight);
  const win = windowOf(view.lists[0], rows.length, page);
  const groupOf = (r: number): DiagnosticGroup => groups[-rows[r]! - 1]!;
  usePublishCtx({
    count: rows.length,
    page,
    // A group of one opens its diagnostic at once; a larger one expands (or collapses) in place.
    open: (r) =>
      rows[r]! >= 0
        ? { kind: 'diagnostic', diagnostic: rows[r]! }
        : groupOf(r).rows.length === 1
          ? { kind: 'diagnostic', diagnostic: groupOf(r).rows[0]! }
          : { kind: 'toggle', key: groupOf(r).code },
    isError: (r) => (rows[r]! < 0 ? groupOf(r).severity : diags[rows[r]!]!.severity) === 'error',
    valueFilter: (r) => `diag.code == ${quoted(rows[r]! < 0 ? groupOf(r).code : diags[rows[r]!]!.code)}`,
    connectionOf: (r) => {
      const c = rows[r]! >= 0 ? diags[rows[r]!]!.connection : undefined;
      return c !== undefined ? (store.connectionById(c)?.ordinal ?? null) : null;
    },
  });
  const countWidth = groupCountWidth(groups);
  const lines: Line[] = [];
  for (let i = win.top; i < win.end; i++) {
    const r = rows[i]!;
    if (r < 0) {
      const g = groupOf(i);
      lines.push(groupLine(g, view.expanded.includes(g.code), countWidth));
    } else {
      const above = i > 0 && rows[i - 1]! >= 0 ? diags[rows[i - 1]!]!.time : undefined;
      lines.push(instanceLine(diags[r]!, clock, above ?? null));
    }
  }
  const c = store.severityCounts;
  const shown = groups.reduce((n, g) => n + g.rows.length, 0);
  const info = `${count(shown)} of ${count(diags.length)} in ${counted(groups.length, 'code')} · ${counted(c.error, 'error')} · ${counted(c.warning, 'warning')} · ${count(c.info)} info`;
  const cursorRow = rows.length > 0 ? rows[win.cursor]! : null;
  const preview = previewLines(store, groups, cursorRow, width, previewHeight - 1);
  return (
    <Box flexDirection="column" height={height}>
      <TitleBar title="Diagnostics" info={info} filter={filter} width={width} />
      {rows.length === 0 ? (
        <Box height={page}>
          <LineView
            line={[
              seg(
                diags.length > 0
                  ? 'No diagnostic matches the filter.'
                  : 'No diagnostics: nothing unusual found.',
                'dim',
              ),
            ]}
            width={width}
          />
        </Box>
      ) : (
        <Rows lines={lines} width={width} height={page} selected={win.cursor - win.top} />
      )}
      {rows.length > 0 && <LineView line={[seg('─'.repeat(width), 'dim')]} width={width} />}
      {preview.map((l, i) => (
        <LineView key={i} line={l} width={width} />
      ))}
    </Box>
  );
}

/** Cells of the widest "×N" of the groups, so counts line up. */
export function groupCountWidth(groups: DiagnosticGroup[]): number {
  return groups.reduce((w, g) => Math.max(w, count(g.rows.length).length + 1), 2);
}

/** The selected diagnostic's (or group's first) explanation, as many lines as fit; Enter shows it all. */
function previewLines(
  store: CaptureStore,
  groups: DiagnosticGroup[],
  row: number | null,
  width: number,
  height: number,
): Line[] {
  if (row === null || height <= 0) return [];
  const g = row < 0 ? groups[-row - 1]! : null;
  const d = store.diagnostics[g ? g.rows[0]! : row];
  if (!d) return [];
  const lead = g && g.rows.length > 1 ? `Enter lists all ${count(g.rows.length)}; the first: ` : '';
  const words = wrapWords(lead + safe(d.message), width - 1);
  const out: Line[] = words.slice(0, height).map((w) => [seg(w)]);
  // More than fits: the last line says so (fitLine cuts it with an ellipsis if the mark does not fit).
  if (words.length > height) out[height - 1] = [seg(words[height - 1]! + ' …'), seg(' (Enter)', 'dim')];
  return out;
}
