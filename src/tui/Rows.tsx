import { Box } from 'ink';
import type { Line } from './lines.js';
import { LineView } from './LineView.js';

/**
 * Lines stacked in a box of fixed height (the visible window of a list, already cut by the caller). No
 * `overflow="hidden"`: the lines are already cut to the width (LineView) and to the height (here), and a
 * clipping box makes ink slice every line of it again on each redraw, a third of a list screen's redraw
 * (docs/performance.md, "TUI: keys while loading, the UI thread's share").
 */
export function Rows({
  lines,
  width,
  height,
  selected,
  marked = -1,
}: {
  lines: Line[];
  width: number;
  height: number;
  /** Index into `lines` of the highlighted row, or -1. */
  selected: number;
  /** Index of a row marked as selected while another pane has the focus, or -1. */
  marked?: number;
}) {
  return (
    <Box flexDirection="column" width={width} height={height}>
      {lines.slice(0, height).map((line, i) => (
        <LineView
          key={i}
          line={line}
          width={width}
          selected={i === selected ? true : i === marked ? 'mark' : false}
        />
      ))}
    </Box>
  );
}
