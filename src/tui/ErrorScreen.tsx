import { Box } from 'ink';
import { selectInputError } from '../model/store-selectors.js';
import { count, safe } from './format.js';
import { seg, wrapText, type Line } from './lines.js';
import { Rows } from './Rows.js';
import type { ScreenProps } from './screen-props.js';
import { TitleBar } from './TitleBar.js';
import { usePublishCtx } from './view-ctx.js';

/** Shown once when the input could not be read (whole); Esc leads to what was decoded before the problem. */
export function ErrorScreen({ store, width, height }: ScreenProps<'error'>) {
  usePublishCtx({ count: 0, page: height });
  const err = selectInputError(store);
  const cap = store.captureRecord;
  const lines: Line[] = [[], [seg('  The input could not be read.', 'error', true)], []];
  for (const piece of wrapText(safe(err?.message ?? 'unknown error'), width - 6))
    lines.push([seg(`    ${piece}`, 'error')]);
  if (err?.evidence) lines.push([], [seg(`    evidence: ${safe(JSON.stringify(err.evidence))}`, 'dim')]);
  lines.push(
    [],
    [
      seg(
        `  Decoded before the problem: ${count(cap?.packets ?? 0)} packets, ${count(store.connections.length)} connections, ${count(store.frames.count)} frames, ${count(store.callCount)} calls.`,
      ),
    ],
  );
  lines.push([], [seg('  Esc: browse what was decoded · q: quit', 'dim')]);
  return (
    <Box flexDirection="column" height={height}>
      <TitleBar title="Error" info={safe(cap?.file ?? '')} width={width} />
      <Rows lines={lines} width={width} height={height - 1} selected={-1} />
    </Box>
  );
}
