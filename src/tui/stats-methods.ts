/**
 * Stats, first table: calls per gRPC method with errors by status name, p50/p90/p99 latency, message
 * bytes and counts: the numbers of --summary's "gRPC calls by method" (one aggregation,
 * src/model/call-stats.ts). Enter lists the method's calls.
 */
import type { CallStats } from '../model/call-stats.js';
import { selectMethodRows, type StatsIndex } from '../model/select-stats.js';
import type { MethodColumn } from '../model/select-stats-sort.js';
import type { SortSpec } from '../model/store-selectors.js';
import { layoutColumns, rowLine, type Column } from './columns.js';
import { bytes, count, duration, safe } from './format.js';
import { seg } from './lines.js';
import { quoted, type StatsTable } from './stats-table.js';
import { truncateStart } from './text-width.js';

const UNKNOWN_METHOD = '(unknown method)';

function methodTable(widest: number): Column<MethodColumn | 'rate' | 'statuses'>[] {
  return [
    { id: 'method', title: 'method', width: Math.max(12, Math.min(40, widest)) },
    { id: 'calls', title: 'calls', width: 6, align: 'right' },
    { id: 'errors', title: 'errors', width: 7, align: 'right' },
    { id: 'rate', title: 'err%', width: 6, align: 'right', drop: 7 },
    { id: 'p50', title: 'p50', width: 7, align: 'right' },
    { id: 'p90', title: 'p90', width: 7, align: 'right', drop: 3 },
    { id: 'p99', title: 'p99', width: 7, align: 'right' },
    { id: 'requestBytes', title: 'req B', width: 7, align: 'right', drop: 5 },
    { id: 'responseBytes', title: 'resp B', width: 7, align: 'right', drop: 4 },
    { id: 'messages', title: 'msgs', width: 7, align: 'right', drop: 6 },
    { id: 'statuses', title: 'statuses', width: 12, flex: true },
  ];
}

/** "NOT_FOUND 1 · UNAVAILABLE 1": the statuses other than OK, most first. */
export function errorStatuses(s: CallStats): string {
  return [...s.statuses]
    .filter(([name]) => name !== 'OK')
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([name, n]) => `${safe(name)} ${count(n)}`)
    .join(' · ');
}

export function methodsTable(index: StatsIndex, sort: SortSpec<MethodColumn>, width: number): StatsTable {
  const rows = selectMethodRows(index, sort);
  const widest = rows.reduce((w, r) => Math.max(w, r.method.length), 0);
  const cols = layoutColumns(methodTable(widest), width - 1);
  const methodWidth = cols[0]!.width;
  const total = index.methods.total;
  const statuses = [...total.statuses]
    .sort((a, b) => b[1] - a[1])
    .map(([name, n]) => `${safe(name)} ${count(n)}`)
    .join(', ');
  return {
    info: `${rows.length === 1 ? '1 method' : `${count(rows.length)} methods`} · ${count(total.calls)} calls · ${count(total.errors)} not ok`,
    columns: cols,
    count: rows.length,
    line: (i) => {
      const { method, stats: s, latency: l } = rows[i]!;
      return rowLine(
        cols,
        {
          method: truncateStart(safe(method), methodWidth),
          calls: count(s.calls),
          errors: count(s.errors),
          rate: s.calls === 0 ? '-' : `${((100 * s.errors) / s.calls).toFixed(1)}%`,
          p50: duration(l.p50),
          p90: duration(l.p90),
          p99: duration(l.p99),
          requestBytes: bytes(s.requestBytes),
          responseBytes: bytes(s.responseBytes),
          messages: `${s.requestMessages}/${s.responseMessages}`,
          statuses: errorStatuses(s),
        },
        { errors: s.errors > 0 ? 'error' : 'dim', statuses: s.errors > 0 ? 'error' : 'warning' },
      );
    },
    open: (i) => {
      const m = rows[i]!.method;
      return m === UNKNOWN_METHOD
        ? null
        : { kind: 'list', screen: 'calls', filter: `grpc.method == ${quoted(m)}` };
    },
    isError: (i) => rows[i]!.stats.errors > 0,
    detail: (i) => {
      const { method, stats: s } = rows[i]!;
      const all = [...s.statuses].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
      return `${safe(method)}  ${all.map(([name, n]) => `${safe(name)} ${count(n)}`).join(' · ')}`;
    },
    notes: [
      [seg('all methods  ', 'dim'), seg(statuses || 'no calls')],
      [
        seg(
          'errors: outcome not ok (status unknown apart) · p50-p99: nearest rank · msgs: request/response',
          'dim',
        ),
      ],
    ],
    empty: 'No gRPC calls yet.',
  };
}
