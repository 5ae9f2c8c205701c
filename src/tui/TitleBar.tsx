import type { RowFilter } from './filter-match.js';
import { seg, type Line } from './lines.js';
import { LineView } from './LineView.js';

/** The first line of a screen: its name, what it counts, and the filter in force (or its error). */
export function TitleBar({
  title,
  info,
  filter,
  width,
}: {
  title: string;
  info: string;
  filter?: RowFilter;
  width: number;
}) {
  const line: Line = [seg(title, 'title', true), seg('  ' + info, 'dim')];
  if (filter && filter.kind === 'error') line.push(seg(`  filter error ${filter.error}`, 'error'));
  else if (filter && filter.kind !== 'none') line.push(seg(`  filter: ${filter.text}`, 'match'));
  return <LineView line={line} width={width} />;
}
