import { Box } from 'ink';
import { useMemo } from 'react';
import { selectConnectionRows } from '../model/store-selectors.js';
import { fitTable, headerLine, type Cells } from './columns.js';
import { CONNECTION_TABLE, connectionCells, connectionShown, type ConnectionCol } from './connection-rows.js';
import { count } from './format.js';
import { seg } from './lines.js';
import { LineView } from './LineView.js';
import { Rows } from './Rows.js';
import type { ScreenProps } from './screen-props.js';
import { TitleBar } from './TitleBar.js';
import { useFilter } from './use-filter.js';
import { quoted } from './filter-match.js';
import { usePublishCtx } from './view-ctx.js';
import { windowOf } from './window.js';

export function ConnectionsScreen({ store, version, view, width, height }: ScreenProps<'connections'>) {
  const filter = useFilter(view.filter);
  const rows = useMemo(
    () =>
      selectConnectionRows(store, view.sort, (s, entry) =>
        filter.connection(entry.record, entry.id, connectionShown(s, entry.record?.endReason ?? null)),
      ),
    [store, version, view.sort, filter],
  );
  const page = Math.max(1, height - 2);
  const win = windowOf(view.lists[0], rows.length, page);
  usePublishCtx({
    count: rows.length,
    page,
    open: (r) => ({ kind: 'connection', connection: rows[r]!.ordinal }),
    isError: (r) => rows[r]!.errors > 0 || rows[r]!.diagnostics.error > 0,
    valueFilter: (r) => (rows[r]!.server ? `conn.server == ${quoted(rows[r]!.server!)}` : null),
    pcapOf: (r) => ({ connection: rows[r]!.id, what: `connection ${rows[r]!.id}` }),
  });
  const cells: Cells<ConnectionCol>[] = [];
  for (let i = win.top; i < win.end; i++) {
    const s = rows[i]!;
    cells.push(connectionCells(s, store.connectionByOrdinal(s.ordinal)?.record?.endReason ?? null));
  }
  const { cols, lines } = fitTable(CONNECTION_TABLE, width, cells);
  const open = rows.filter((r) => r.open).length;
  const info = `${count(rows.length)} of ${count(store.connections.length)} connections${open > 0 ? ` · ${open} open` : ''}`;
  return (
    <Box flexDirection="column" height={height}>
      <TitleBar title="Connections" info={info} filter={filter} width={width} />
      <LineView line={headerLine(cols, view.sort)} width={width} />
      {rows.length === 0 ? (
        <LineView
          line={[
            seg(
              store.connections.length > 0
                ? 'No connection matches the filter (Esc clears it).'
                : 'No TCP connection yet…',
              'dim',
            ),
          ]}
          width={width}
        />
      ) : (
        <Rows lines={lines} width={width} height={page} selected={win.cursor - win.top} />
      )}
    </Box>
  );
}
