import { Box } from 'ink';
import { useMemo } from 'react';
import type { CallSummary } from '../records/records.js';
import type { CaptureStore } from '../model/store.js';
import {
  selectDiagnosticGroups,
  selectInputError,
  selectInputTruncated,
  summarizeConnection,
} from '../model/store-selectors.js';
import {
  selectFailingMethods,
  selectRequestStatuses,
  type FailingMethod,
  type RequestStatuses,
} from '../model/store-failures.js';
import { GRPC_STATUS_NAMES } from '../grpc/status.js';
import { relayedByLines } from '../analysis/relay-legs.js';
import { selectCountedCalls } from '../model/store-relays.js';
import { httpStatusRole } from './call-rows.js';
import { statusRole } from './call-style.js';
import type { NavTarget } from './nav-state.js';
import { truncateStart, textWidth } from './text-width.js';
import type { Role } from './theme.js';
import { fitTable, headerLine, type Cells } from './columns.js';
import { CONNECTION_TABLE, connectionCells, type ConnectionCol } from './connection-rows.js';
import { groupLine } from './diagnostic-rows.js';
import { groupCountWidth } from './DiagnosticsScreen.js';
import { quoted } from './filter-match.js';
import { bytes, count, counted, duration, safe } from './format.js';
import { seg, wrapWords, type Line } from './lines.js';
import { LineView } from './LineView.js';
import { Rows } from './Rows.js';
import type { ScreenProps } from './screen-props.js';
import { usePublishCtx } from './view-ctx.js';
import { windowOf } from './window.js';

/** Diagnoses (codes) and failing methods shown on the first screen, at most. */
const TOP_DIAGNOSTICS = 5;
const TOP_METHODS = 5;

export function captureLines(
  store: CaptureStore,
  requests: RequestStatuses | null = null,
  width = 1000,
): Line[] {
  const cap = store.captureRecord;
  let file = safe(cap?.file ?? '');
  const lines: Line[] = [];
  const packets = cap?.packets ?? store.load.packets;
  const span = cap?.start != null && cap.end != null ? duration((cap.end - cap.start) * 1000) : '-';
  const facts = cap
    ? `${cap.format ?? 'not a capture'}${cap.compressed ? ' (gzip)' : ''} · ${count(packets)} packets · ${bytes(cap.bytes)} · ${span}`
    : `reading… ${count(packets)} packets`;
  // The facts are numbers: a narrow screen shortens the file name (from its start) instead.
  const room = Math.max(8, width - 13 - 2 - textWidth(facts));
  file = truncateStart(file, room);
  // Cut at a directory boundary when the file's own name still fits: "…/late-start-grpc-js.pcap".
  const slash = file.indexOf('/');
  if (file.startsWith('…') && slash > 1) file = '…' + file.slice(slash);
  lines.push([seg('Capture      ', 'dim'), seg(file, undefined, true), seg('  ' + facts)]);
  const c = store.severityCounts;
  // Each call relayed by a proxy once, as the client saw it (as --summary counts).
  const once = selectCountedCalls(store);
  const failed = once.failed;
  const unknown: CallSummary[] = once.unknown.map((i) => store.callRow(i, false));

  lines.push([
    seg('Diagnostics  ', 'dim'),
    seg(counted(c.error, 'error'), c.error > 0 ? 'error' : 'dim', c.error > 0),
    seg(' · '),
    seg(counted(c.warning, 'warning'), c.warning > 0 ? 'warning' : 'dim'),
    seg(' · '),
    seg(`${count(c.info)} info`, 'dim'),
    ...(requests && requests.requests > 0
      ? requestSegs(requests)
      : unknown.length > 0
        ? []
        : [
            seg('    Calls ', 'dim'),
            seg(`${count(once.calls)}`),
            seg(` · ${count(failed)} failed`, failed > 0 ? 'error' : 'dim'),
          ]),
  ]);
  // Calls whose status is unknown get a line of their own: their guesses and the reason must fit at 120 columns.
  if (unknown.length > 0 && !(requests && requests.requests > 0)) {
    const head: Line = [
      seg('Calls        ', 'dim'),
      seg(`${count(once.calls)}`),
      seg(` · ${count(failed)} failed`, failed > 0 ? 'error' : 'dim'),
      seg(` · ${count(unknown.length)} status unknown`, 'warning'),
    ];
    // The guesses and reasons go on as many lines as they need, under the counts: never cut.
    const why = unknownWhy(unknown).trimStart();
    const used = head.reduce((w, x) => w + textWidth(x.text), 0);
    if (used + 1 + textWidth(why) <= width) lines.push([...head, seg(' ' + why, 'dim')]);
    else {
      lines.push(head);
      for (const t of wrapWords(why, Math.max(20, width - 13))) lines.push([seg(' '.repeat(13) + t, 'dim')]);
    }
  }
  for (const line of relayedByLines(once.proxies))
    lines.push([seg('Relayed      ', 'dim'), seg(safe(line.replace(/^relayed /, '')))]);
  const err = selectInputError(store);
  const truncated = selectInputTruncated(store);
  if (err) lines.push([seg('Input error  ', 'error', true), seg(safe(err.message), 'error')]);
  else if (truncated) lines.push([seg('Input        ', 'warning'), seg(safe(truncated.message), 'warning')]);
  return lines;
}

/** Plain HTTP/2: "    Requests 5 · :status 200 ×3 · 404 ×2" instead of "Calls 0". */
function requestSegs(r: RequestStatuses): Line {
  const out: Line = [seg('    Requests ', 'dim'), seg(count(r.requests)), seg(' · :status', 'dim')];
  for (const [status, n] of r.statuses) {
    const code = Number(status);
    out.push(
      seg(` ${safe(status)}`, Number.isInteger(code) ? httpStatusRole(code) : 'error'),
      seg(` ×${count(n)}`),
    );
  }
  return out;
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
  // Guesses first: a narrow terminal cuts the reason, not the counts.
  const guessed = byCount(guesses).map(([g, n]) => `${count(n)} guessed ${g}`);
  const why = byCount(reasons)
    .map(([r]) => safe(r))
    .join('; ');
  return guessed.length === 0 ? ` (${why})` : ` (${guessed.join(', ')}; ${why})`;
}

/** What the cursor can be on, top to bottom: a diagnosis (a group of one code), a failing method, a connection. */
type Block = 'diagnoses' | 'methods' | 'connections';

/** The filter that lists a method's failed calls on Calls (the definition of failed: storeCallFailed). */
export function failedCallsFilter(method: string): string {
  return `grpc.method == ${quoted(method)} && grpc.outcome != "ok" && grpc.outcome != "status-unknown"`;
}

export function OverviewScreen({ store, version, view, width, height }: ScreenProps<'overview'>) {
  const groups = useMemo(() => selectDiagnosticGroups(store, null), [store, version]);
  const methods = useMemo(() => selectFailingMethods(store), [store, version]);
  const requests = useMemo(
    () => (store.callCount === 0 && store.connections.length > 0 ? selectRequestStatuses(store) : null),
    [store, version],
  );
  // Connections in order of appearance: only the visible ones are summarized (a live capture redraws
  // this screen ten times a second; thousands of connections are summarized on Connections, not here).
  const conns = store.connections;
  const head = captureLines(store, requests, width);
  // What failed comes first; each block gives way so that at least a few connections stay visible.
  const room = Math.max(1, Math.floor((height - head.length - 8) / 2));
  const nd = Math.min(groups.length, TOP_DIAGNOSTICS, room);
  const nm = Math.min(methods.length, TOP_METHODS, room);
  // Fixed part: capture lines, a blank, each block (title + rows + blank), the table title + header.
  const fixed = head.length + 1 + (nd > 0 ? nd + 2 : 0) + (nm > 0 ? nm + 2 : 0) + 2;
  const page = Math.max(1, height - fixed);
  const total = nd + nm + conns.length;
  const cursor = Math.max(0, Math.min(view.lists[0]?.cursor ?? 0, total - 1));
  const skip = nd + nm;
  const connList = { cursor: Math.max(0, cursor - skip), top: Math.max(0, (view.lists[0]?.top ?? 0) - skip) };
  const win = windowOf(connList, conns.length, page);
  const blockOf = (r: number): Block => (r < nd ? 'diagnoses' : r < skip ? 'methods' : 'connections');
  usePublishCtx({
    count: total,
    page,
    open: (r): NavTarget => {
      switch (blockOf(r)) {
        case 'diagnoses': {
          const g = groups[r]!;
          // One diagnostic: its page. More: the Diagnostics screen with the group open at its first.
          if (g.rows.length === 1) return { kind: 'diagnostic', diagnostic: g.rows[0]! };
          return { kind: 'group', code: g.code, row: r + 1 };
        }
        case 'methods':
          return { kind: 'filter', top: 'calls', filter: failedCallsFilter(methods[r - nd]!.method) };
        case 'connections':
          return { kind: 'connection', connection: r - skip };
      }
    },
    isError: (r) => {
      switch (blockOf(r)) {
        case 'diagnoses':
          return groups[r]!.severity === 'error';
        case 'methods':
          return true;
        case 'connections': {
          const sum = summarizeConnection(store, conns[r - skip]!);
          return sum.errors > 0 || sum.diagnostics.error > 0;
        }
      }
    },
    connectionOf: (r) => (blockOf(r) === 'connections' ? r - skip : null),
    pcapOf: (r) => {
      if (blockOf(r) !== 'connections') return null;
      const id = conns[r - skip]!.id;
      return { connection: id, what: `connection ${id}` };
    },
  });
  const cells: Cells<ConnectionCol>[] = [];
  for (let i = win.top; i < win.end; i++) {
    const entry = conns[i]!;
    cells.push(connectionCells(summarizeConnection(store, entry), entry.record?.endReason ?? null));
  }
  const { cols, lines: rows } = fitTable(CONNECTION_TABLE, width, cells);
  const methodWidth = Math.min(
    Math.max(...methods.slice(0, nm).map((m) => textWidth(safe(m.method))), 6),
    Math.floor(width / 2),
  );
  return (
    <Box flexDirection="column" height={height}>
      {head.map((l, i) => (
        <LineView key={i} line={l} width={width} />
      ))}
      <LineView line={[]} width={width} />
      {nd > 0 && (
        <LineView
          line={[
            seg('Diagnoses', 'title', true),
            seg(
              groups.length > nd
                ? `  ${nd} of ${count(groups.length)} codes · 5 for all`
                : '  Enter opens · 5 for all',
              'dim',
            ),
          ]}
          width={width}
        />
      )}
      {groups.slice(0, nd).map((g, i) => (
        <LineView
          key={`d${i}`}
          line={groupLine(g, false, groupCountWidth(groups.slice(0, nd)))}
          width={width}
          selected={cursor === i}
        />
      ))}
      {nd > 0 && <LineView line={[]} width={width} />}
      {nm > 0 && (
        <LineView
          line={[
            seg('Failing methods', 'title', true),
            seg(
              methods.length > nm
                ? `  ${nm} of ${count(methods.length)} · Enter lists the failed calls`
                : '  Enter lists the failed calls',
              'dim',
            ),
          ]}
          width={width}
        />
      )}
      {methods.slice(0, nm).map((m, i) => (
        <LineView
          key={`m${i}`}
          line={methodLine(m, methodWidth)}
          width={width}
          selected={cursor === nd + i}
        />
      ))}
      {nm > 0 && <LineView line={[]} width={width} />}
      <LineView line={[seg(`Connections (${count(conns.length)})`, 'title', true)]} width={width} />
      <LineView line={headerLine(cols)} width={width} />
      <Rows lines={rows} width={width} height={page} selected={cursor >= skip ? win.cursor - win.top : -1} />
    </Box>
  );
}

/** "/demo.Echo/Echo  3/9 failed  NOT_FOUND 1 · INVALID_ARGUMENT 1 · UNAVAILABLE 1" */
function methodLine(m: FailingMethod, methodWidth: number): Line {
  // The counts come before the statuses: a narrow screen cuts the last statuses, never a number.
  const line: Line = [
    seg(truncateStart(safe(m.method), methodWidth).padEnd(methodWidth) + '  ', 'accent'),
    seg(`${count(m.failed)}/${count(m.calls)} failed  `, 'dim'),
  ];
  m.statuses.forEach(([name, n], i) => {
    if (i > 0) line.push(seg(' · ', 'dim'));
    line.push(seg(`${safe(name)} `, statusNameRole(name)), seg(count(n), undefined, true));
  });
  return line;
}

/** A status name's colour as on Calls: client-side codes yellow, the rest red. */
function statusNameRole(name: string): Role {
  const code = (GRPC_STATUS_NAMES as readonly string[]).indexOf(name);
  return code >= 0 ? statusRole(code) : 'error';
}
