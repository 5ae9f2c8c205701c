import { Box } from 'ink';
import { useMemo } from 'react';
import type { CallSummary, Diagnostic } from '../records/records.js';
import type { CaptureStore } from '../model/store.js';
import {
  selectDiagnosticTarget,
  selectInputError,
  selectInputTruncated,
  selectTopDiagnostics,
  summarizeConnection,
} from '../model/store-selectors.js';
import { headerLine, layoutColumns } from './columns.js';
import { CONNECTION_TABLE, connectionLine } from './connection-rows.js';
import { diagnosticLine, targetOf } from './diagnostic-rows.js';
import { bytes, count, duration, safe } from './format.js';
import { seg, type Line } from './lines.js';
import { LineView } from './LineView.js';
import { Rows } from './Rows.js';
import type { ScreenProps } from './screen-props.js';
import { usePublishCtx } from './view-ctx.js';
import { windowOf } from './window.js';

/** Most severe diagnostics shown on the first screen. */
const TOP_DIAGNOSTICS = 5;

export function captureLines(store: CaptureStore): Line[] {
  const cap = store.captureRecord;
  const file = safe(cap?.file ?? '');
  const lines: Line[] = [];
  const packets = cap?.packets ?? store.load.packets;
  const span = cap?.start != null && cap.end != null ? duration((cap.end - cap.start) * 1000) : '-';
  const facts = cap
    ? `${cap.format ?? 'not a capture'}${cap.compressed ? ' (gzip)' : ''} · ${count(packets)} packets · ${bytes(cap.bytes)} · ${span}`
    : `reading… ${count(packets)} packets`;
  lines.push([seg('Capture      ', 'dim'), seg(file, undefined, true), seg('  ' + facts)]);
  const c = store.severityCounts;
  const failed = store.failedCallCount;
  const unknown: CallSummary[] = [];
  if (store.unknownCallCount > 0)
    for (let i = 0; i < store.callCount; i++)
      if (store.callOutcome(i) === 'status-unknown') unknown.push(store.callRow(i, false));

  lines.push([
    seg('Diagnostics  ', 'dim'),
    seg(`${count(c.error)} errors`, c.error > 0 ? 'error' : 'dim', c.error > 0),
    seg(' · '),
    seg(`${count(c.warning)} warnings`, c.warning > 0 ? 'warning' : 'dim'),
    seg(' · '),
    seg(`${count(c.info)} info`, 'dim'),
    seg('    Calls ', 'dim'),
    seg(`${count(store.callCount)}`),
    seg(` · ${count(failed)} failed`, failed > 0 ? 'error' : 'dim'),
    ...(unknown.length === 0
      ? []
      : [seg(` · ${count(unknown.length)} status unknown`, 'warning'), seg(unknownWhy(unknown), 'dim')]),
  ]);
  const err = selectInputError(store);
  const truncated = selectInputTruncated(store);
  if (err) lines.push([seg('Input error  ', 'error', true), seg(safe(err.message), 'error')]);
  else if (truncated) lines.push([seg('Input        ', 'warning'), seg(safe(truncated.message), 'warning')]);
  return lines;
}

/**
 * " (HPACK entries from before the capture; 41 guessed OK)": the reasons, most common first, then the
 * guesses (never counted as OK or failed).
 */
function unknownWhy(calls: CallSummary[]): string {
  const reasons = new Map<string, number>();
  const guesses = new Map<string, number>();
  for (const c of calls) {
    const r = c.statusUnknown?.reason ?? 'not decoded';
    reasons.set(r, (reasons.get(r) ?? 0) + 1);
    const g = c.statusUnknown?.guess?.statusName;
    if (g !== undefined) guesses.set(g, (guesses.get(g) ?? 0) + 1);
  }
  const byCount = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
  const parts = byCount(reasons).map(([r]) => safe(r));
  for (const [g, n] of byCount(guesses)) parts.push(`${count(n)} guessed ${g}`);
  return ` (${parts.join('; ')})`;
}

export function OverviewScreen({ store, version, view, width, height }: ScreenProps<'overview'>) {
  const diagRows = useMemo(() => selectTopDiagnostics(store, TOP_DIAGNOSTICS), [store, version]);
  // Connections in order of appearance: only the visible ones are summarized (a live capture redraws
  // this screen ten times a second; thousands of connections are summarized on Connections, not here).
  const conns = store.connections;
  const head = captureLines(store);
  const nd = diagRows.length;
  // Fixed part: capture lines, a blank, the diagnostics block (title + rows), a blank, the table title + header.
  const fixed = head.length + 1 + (nd > 0 ? nd + 2 : 0) + 2;
  const page = Math.max(1, height - fixed);
  const total = nd + conns.length;
  const cursor = Math.max(0, Math.min(view.lists[0]?.cursor ?? 0, total - 1));
  const connList = { cursor: Math.max(0, cursor - nd), top: Math.max(0, (view.lists[0]?.top ?? 0) - nd) };
  const win = windowOf(connList, conns.length, page);
  const diags = store.diagnostics;
  usePublishCtx({
    count: total,
    page,
    open: (r) =>
      r < nd
        ? targetOf(selectDiagnosticTarget(store, diags[diagRows[r]!]!))
        : { kind: 'connection', connection: r - nd },
    isError: (r) =>
      r < nd
        ? diags[diagRows[r]!]!.severity === 'error'
        : summarizeConnection(store, conns[r - nd]!).errors > 0,
  });
  const cols = layoutColumns(CONNECTION_TABLE, width);
  const rows: Line[] = [];
  for (let i = win.top; i < win.end; i++) {
    const entry = conns[i]!;
    rows.push(connectionLine(summarizeConnection(store, entry), entry.record?.endReason ?? null, cols));
  }
  return (
    <Box flexDirection="column" height={height}>
      {head.map((l, i) => (
        <LineView key={i} line={l} width={width} />
      ))}
      <LineView line={[]} width={width} />
      {nd > 0 && (
        <LineView
          line={[seg('Most severe diagnostics', 'title', true), seg('  press 5 for all', 'dim')]}
          width={width}
        />
      )}
      {[...diagRows].map((d, i) => (
        <LineView
          key={`d${i}`}
          line={diagnosticLine(diags[d]! as Diagnostic, width)}
          width={width}
          selected={cursor === i}
        />
      ))}
      {nd > 0 && <LineView line={[]} width={width} />}
      <LineView line={[seg(`Connections (${count(conns.length)})`, 'title', true)]} width={width} />
      <LineView line={headerLine(cols)} width={width} />
      <Rows lines={rows} width={width} height={page} selected={cursor >= nd ? win.cursor - win.top : -1} />
    </Box>
  );
}
