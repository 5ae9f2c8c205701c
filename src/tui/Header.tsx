import type { CaptureStore } from '../model/store.js';
import { selectInputError } from '../model/store-selectors.js';
import { bytes, count, percent } from './format.js';
import { seg, type Line } from './lines.js';
import { LineView } from './LineView.js';
import { TOP_VIEWS, type NavState, type TopId } from './nav-state.js';
import { textWidth } from './text-width.js';

const LABELS: Record<TopId, string> = {
  overview: 'Overview',
  calls: 'Calls',
  connections: 'Connections',
  frames: 'Frames',
  diagnostics: 'Diagnostics',
  stats: 'Stats',
};
const SHORT: Record<TopId, string> = {
  overview: 'Overview',
  calls: 'Calls',
  connections: 'Conns',
  frames: 'Frames',
  diagnostics: 'Diags',
  stats: 'Stats',
};
/** SHORT with Stats named only while shown: the other labels still fit in 80 columns. */
const NARROW: Record<TopId, string> = { ...SHORT, stats: '' };

/** Reading progress: bytes of total (files), or a live counter (pipes); then "done" / "input ended". */
export function loadStatus(store: CaptureStore): Line {
  const l = store.load;
  const rate = l.elapsedMs > 0 ? ` · ${bytes(Math.round((l.bytesRead * 1000) / l.elapsedMs))}/s` : '';
  const pkts = `${count(store.captureRecord?.packets ?? l.packets)} pkts`;
  if (l.phase === 'done') {
    if (selectInputError(store)) return [seg('input error', 'error', true), seg(` · ${pkts}`, 'dim')];
    return [seg(l.live ? 'input ended' : 'loaded', 'ok'), seg(` · ${pkts}`, 'dim')];
  }
  if (l.bytesRead === 0 && !l.live) return [seg('opening…', 'accent', true)];
  if (l.live || l.totalBytes === null)
    return [seg('● live', 'accent', true), seg(` · ${pkts} · ${bytes(l.bytesRead)}${rate}`, 'dim')];
  return [
    seg(`loading ${percent(l.bytesRead, l.totalBytes)}`, 'accent', true),
    seg(` · ${bytes(l.bytesRead)} of ${bytes(l.totalBytes)} · ${pkts}${rate}`, 'dim'),
  ];
}

function tabs(nav: NavState, labels: Record<TopId, string> | null): Line {
  const line: Line = [seg('h2scope ', 'accent', true)];
  TOP_VIEWS.forEach((id, i) => {
    const here = nav.top === id;
    const active = here && nav.stack.length === 0;
    // Without labels (narrow terminals) only the current screen is named.
    const label = labels ? labels[id] || (here ? SHORT[id] : '') : here ? LABELS[id] : '';
    line.push({
      text: ` ${i + 1}${label ? ' ' + label : ''} `,
      inverse: active,
      bold: here,
      ...(here ? {} : { role: 'dim' as const }),
    });
  });
  return line;
}

const widthOf = (line: Line): number => line.reduce((w, s) => w + textWidth(s.text), 0);

/** Tabs on the left, reading progress on the right; the tabs shrink before the progress is cut. */
export function Header({
  nav,
  store,
  width,
}: {
  nav: NavState;
  store: CaptureStore;
  version: number;
  width: number;
}) {
  const status = loadStatus(store);
  const sw = widthOf(status);
  const options = [LABELS, SHORT, NARROW, null];
  let line = tabs(nav, null);
  for (const labels of options) {
    const candidate = tabs(nav, labels);
    if (widthOf(candidate) + sw + 1 <= width) {
      line = candidate;
      break;
    }
  }
  const gap = width - widthOf(line) - sw;
  return <LineView line={gap >= 1 ? [...line, seg(' '.repeat(gap)), ...status] : line} width={width} />;
}
