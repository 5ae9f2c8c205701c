/**
 * Stats, fifth table: where each method's call time went (CallRecord.latency, docs/analysis.md "Latency
 * breakdown"): the share of each component and the component that dominates the calls at or above p99.
 * The numbers of --summary's "Where the time went": the same aggregation (src/output/latency-stats.ts)
 * over the same records. The latency is in the call records, not the store's columns, so each call is
 * read back once (store.callRecord) when this pane is shown, and only new calls after that.
 */
import {
  byCalls,
  COMPONENTS,
  dominantText,
  LatencyByMethod,
  pct,
  type MethodLatencySummary,
} from '../output/latency-stats.js';
import { formatMs } from '../output/table.js';
import type { CaptureStore } from '../model/store.js';
import { layoutColumns, rowLine, type Column } from './columns.js';
import { count, safe } from './format.js';
import { seg } from './lines.js';
import { quoted, type StatsTable } from './stats-table.js';
import { truncateStart } from './text-width.js';

class LatencyIndex {
  readonly byMethod = new LatencyByMethod();
  calls = 0;
  update(store: CaptureStore): void {
    for (; this.calls < store.callCount; this.calls++) {
      const rec = store.callRecord(this.calls);
      if (rec) this.byMethod.add(rec);
    }
  }
}

const indexes = new WeakMap<CaptureStore, LatencyIndex>();

export function latencyIndexOf(store: CaptureStore): LatencyByMethod {
  let index = indexes.get(store);
  if (!index) indexes.set(store, (index = new LatencyIndex()));
  index.update(store);
  return index.byMethod;
}

type Col = 'method' | 'calls' | (typeof COMPONENTS)[number][0] | 'dominant';

function latencyColumns(widest: number): Column<Col>[] {
  const drops: Record<string, number> = {
    clientFlowWait: 4,
    serverFlowWait: 3,
    retransmission: 2,
    unaccounted: 5,
  };
  return [
    { id: 'method', title: 'method', width: Math.max(12, Math.min(40, widest)) },
    { id: 'calls', title: 'calls', width: 6, align: 'right' },
    ...COMPONENTS.map(([id, , title]) => ({
      id,
      title: title.toLowerCase(),
      width: Math.max(6, title.length),
      align: 'right' as const,
      ...(drops[id] ? { drop: drops[id] } : {}),
    })),
    { id: 'dominant', title: 'p99 calls dominated by', width: 22, flex: true },
  ];
}

export function latencyTable(store: CaptureStore, width: number): StatsTable {
  const rows: MethodLatencySummary[] = byCalls(latencyIndexOf(store).summaries());
  const widest = rows.reduce((w, r) => Math.max(w, r.method.length), 0);
  const cols = layoutColumns(latencyColumns(widest), width - 1);
  const methodWidth = cols[0]!.width;
  return {
    info: `${count(rows.length)} method${rows.length === 1 ? '' : 's'} · share of call time per component`,
    columns: cols,
    count: rows.length,
    line: (i) => {
      const s = rows[i]!;
      const cells: Partial<Record<Col, string>> = {
        method: truncateStart(safe(s.method), methodWidth),
        calls: count(s.calls),
        dominant: dominantText(s),
      };
      COMPONENTS.forEach(([id], k) => (cells[id] = pct(s.shares[k]!)));
      return rowLine(cols, cells as Record<Col, string>, { dominant: 'warning' });
    },
    open: (i) => {
      const m = rows[i]!.method;
      return m === '(unknown method)'
        ? null
        : { kind: 'list', screen: 'calls', filter: `grpc.method == ${quoted(m)}` };
    },
    isError: () => false,
    detail: (i) => {
      const s = rows[i]!;
      const parts = COMPONENTS.map(([id], k) => `${id} ${pct(s.shares[k]!)}`);
      return `${safe(s.method)}  p99 ${formatMs(s.p99)} · ${parts.join(' · ')}`;
    },
    // Two short lines: help text is never cut, even at 80 columns.
    notes: [
      [seg('request: upload · server: request end → response HEADERS · response: download', 'dim')],
      [seg('c-/s-window: flow-control waits · retrans: TCP loss · other: unaccounted', 'dim')],
    ],
    empty: 'No call with a latency breakdown yet (gRPC calls whose requests and responses were seen).',
  };
}
