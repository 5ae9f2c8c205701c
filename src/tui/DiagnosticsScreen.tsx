import { Box } from 'ink';
import { useMemo } from 'react';
import { selectDiagnosticRows, selectDiagnosticTarget } from '../model/store-selectors.js';
import { diagnosticLine, targetOf } from './diagnostic-rows.js';
import { count, safe } from './format.js';
import { seg, type Line } from './lines.js';
import { LineView } from './LineView.js';
import { Rows } from './Rows.js';
import { connectionContext, type ScreenProps } from './screen-props.js';
import { TitleBar } from './TitleBar.js';
import { useFilter } from './use-filter.js';
import { usePublishCtx } from './view-ctx.js';
import { windowOf } from './window.js';

/** Every diagnostic, most severe first; the selected one's evidence below the list. */
export function DiagnosticsScreen({ store, version, view, width, height }: ScreenProps<'diagnostics'>) {
  const filter = useFilter(view.filter);
  const diags = store.diagnostics;
  const rows = useMemo(
    () =>
      selectDiagnosticRows(store, (d) =>
        filter.diagnostic(d, d.connection ? connectionContext(store, d.connection) : undefined),
      ),
    [store, version, filter],
  );
  const detailHeight = Math.min(6, Math.max(2, Math.floor(height / 4)));
  const page = Math.max(1, height - 1 - detailHeight);
  const win = windowOf(view.lists[0], rows.length, page);
  usePublishCtx({
    count: rows.length,
    page,
    open: (r) => targetOf(selectDiagnosticTarget(store, diags[rows[r]!]!)),
    isError: (r) => diags[rows[r]!]!.severity === 'error',
  });
  const lines: Line[] = [];
  for (let i = win.top; i < win.end; i++) lines.push(diagnosticLine(diags[rows[i]!]!, width));
  const selected = rows.length > 0 ? diags[rows[win.cursor]!] : undefined;
  const c = store.severityCounts;
  const info = `${count(rows.length)} of ${count(diags.length)} · ${c.error} errors · ${c.warning} warnings · ${c.info} info`;
  const evidence: Line[] = selected
    ? [
        [seg('─'.repeat(width), 'dim')],
        [seg('evidence ', 'dim'), seg(safe(JSON.stringify(selected.evidence ?? {})).slice(0, width * 3))],
        [seg('Enter: ', 'dim'), seg(targetText(store, selected.connection, selected.stream))],
      ]
    : [];
  return (
    <Box flexDirection="column" height={height}>
      <TitleBar title="Diagnostics" info={info} filter={filter} width={width} />
      {rows.length === 0 ? (
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
      ) : (
        <Rows lines={lines} width={width} height={page} selected={win.cursor - win.top} />
      )}
      {evidence.map((l, i) => (
        <LineView key={i} line={l} width={width} />
      ))}
    </Box>
  );
}

function targetText(
  store: ScreenProps<'diagnostics'>['store'],
  connection?: string,
  stream?: number,
): string {
  if (!connection) return 'capture-wide: nothing to open';
  if (stream !== undefined && store.callAt(connection, stream) !== undefined)
    return `opens the call ${connection} stream ${stream}`;
  return `opens ${connection} at the frame it points at`;
}
