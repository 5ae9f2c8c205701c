/**
 * Stats, first table: calls per gRPC method with errors by status name, p50/p90/p99 latency, message
 * bytes and counts: the numbers of --summary's "gRPC calls by method" (one aggregation,
 * src/model/call-stats.ts). Enter lists the method's calls.
 */
import type { CallStats } from '../model/call-stats.js';
import { selectMethodRows, type StatsIndex } from '../model/select-stats.js';
import type { MethodColumn } from '../model/select-stats-sort.js';
import type { SortSpec } from '../model/store-selectors.js';
import { fitTable, rowLine, type Cells, type Column } from './columns.js';
import { bytes, count, duration, safe } from './format.js';
import { seg } from './lines.js';
import { quoted, type StatsTable } from './stats-table.js';
import { truncateStart } from './text-width.js';

const UNKNOWN_METHOD = '(unknown method)';

function methodTable(widest: number): Column<MethodColumn | 'rate' | 'statuses'>[] {
  return [
    { id: 'method', title: 'method', width: Math.max(12, Math.min(40, widest)) },
    { id: 'calls', title: 'calls', width: 6, align: 'right', fit: true },
    { id: 'errors', title: 'errors', width: 7, align: 'right', fit: true },
    { id: 'rate', title: 'err%', width: 6, align: 'right', drop: 7 },
    { id: 'p50', title: 'p50', width: 7, align: 'right' },
    { id: 'p90', title: 'p90', width: 7, align: 'right', drop: 3 },
    { id: 'p99', title: 'p99', width: 7, align: 'right' },
    { id: 'requestBytes', title: 'req B', width: 7, align: 'right', drop: 5 },
    { id: 'responseBytes', title: 'resp B', width: 7, align: 'right', drop: 4 },
    { id: 'messages', title: 'msgs', width: 7, align: 'right', drop: 6, fit: true },
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
  const total = index.methods.total;
  const statuses = [...total.statuses]
    .sort((a, b) => b[1] - a[1])
    .map(([name, n]) => `${safe(name)} ${count(n)}`)
    .join(', ');
  // Every row's cells first (a capture has few methods): the count columns are sized to what they hold,
  // so "43,152/43,152" messages are never cut while the statuses column has room to spare.
  const cells: Cells<MethodColumn | 'rate' | 'statuses'>[] = rows.map(({ method, stats: s, latency: l }) => ({
    values: {
      method: safe(method),
      calls: count(s.calls),
      errors: count(s.errors),
      rate: s.calls === 0 ? '-' : `${((100 * s.errors) / s.calls).toFixed(1)}%`,
      // `~`: past a method's exact cap the percentiles come from a histogram (src/model/value-series.ts).
      p50: (l.approximate ? '~' : '') + duration(l.p50),
      p90: (l.approximate ? '~' : '') + duration(l.p90),
      p99: (l.approximate ? '~' : '') + duration(l.p99),
      requestBytes: bytes(s.requestBytes),
      responseBytes: bytes(s.responseBytes),
      messages: `${count(s.requestMessages)}/${count(s.responseMessages)}`,
      statuses: errorStatuses(s),
    },
    roles: { errors: s.errors > 0 ? 'error' : 'dim', statuses: s.errors > 0 ? 'error' : 'warning' },
  }));
  const { cols } = fitTable(methodTable(widest), width - 1, cells);
  const methodWidth = cols[0]!.width;
  return {
    info: `${rows.length === 1 ? '1 method' : `${count(rows.length)} methods`} · ${count(total.calls)} calls · ${count(total.errors)} not ok`,
    columns: cols,
    count: rows.length,
    line: (i) => {
      const c = cells[i]!;
      return rowLine(cols, { ...c.values, method: truncateStart(c.values.method!, methodWidth) }, c.roles);
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
