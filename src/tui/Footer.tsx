import { safe } from './format.js';
import { seg, type Line } from './lines.js';
import { LineView } from './LineView.js';
import type { NavState, View } from './nav-state.js';

const HINTS: Record<View['kind'], string> = {
  overview: 'j/k move · Enter open · 1-5 screens · ? help · q quit',
  calls: 'Enter open · / filter · s/S sort · e error · c conn · ? help · q quit',
  connections: 'Enter open · / filter · s/S sort · e error · ? help · q quit',
  frames: 'Tab pane · x hex · H hpack · c conn · / filter · e error · ? help',
  diagnostics: 'Enter expand / open · / filter · e error · ? help · q quit',
  diagnostic: 'Esc back · Enter follow link · Tab section · c conn · / n N search · ? help',
  call: 'Esc back · Enter expand · x bytes · Tab section · / n N search · ? help',
  connection: 'Esc back · Tab pane · [ ] stream · Enter frame · / n N search · ? help',
  hpack: 'Esc back · j/k scroll',
  help: 'Esc back · j/k scroll',
  error: 'Esc browse what was decoded · q quit',
};

/** Screens that are one document: `/` searches them (matching lines highlighted, n/N jump). */
const DOCUMENT_KINDS = new Set<View['kind']>(['call', 'connection', 'diagnostic', 'help', 'hpack', 'error']);

/** The last line: the filter prompt while typing, else the last message, else key hints. */
export function Footer({ nav, view, width }: { nav: NavState; view: View; width: number }) {
  let line: Line;
  if (nav.prompt)
    line = [
      seg(DOCUMENT_KINDS.has(view.kind) ? 'search /' : 'filter /', 'accent', true),
      seg(safe(nav.prompt.text)),
      { text: ' ', inverse: true },
      seg('  Enter apply · Esc cancel · Ctrl-U clear', 'dim'),
    ];
  else if (nav.message) line = [seg(nav.message, 'info')];
  else line = [seg(HINTS[view.kind], 'dim')];
  return <LineView line={line} width={width} />;
}
