import type { RowFilter } from './filter-match.js';
import { seg, type Line } from './lines.js';
import { LineView } from './LineView.js';

/** The first line of a screen: its name, what it counts, and the filter in force (or its error). */
export function TitleBar({
  title,
  info,
  filter,
  width,
  search = false,
}: {
  title: string;
  info: string;
  filter?: RowFilter;
  width: number;
  /** A document: `/` searches (highlights lines) instead of filtering rows. */
  search?: boolean;
}) {
  const line: Line = [seg(title, 'title', true), seg('  ' + info, 'dim')];
  if (filter && filter.kind === 'error') line.push(seg(`  filter error ${filter.error}`, 'error'));
  else if (filter && filter.kind !== 'none')
    line.push(seg(`  ${search ? 'search' : 'filter'}: ${filter.text}`, 'match'));
  return <LineView line={line} width={width} />;
}
