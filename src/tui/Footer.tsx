import { safe } from './format.js';
import { seg, type Line } from './lines.js';
import { LineView } from './LineView.js';
import type { NavState, View } from './nav-state.js';

/** Each at most 79 cells: the hints are never cut at 80 columns (test/tui/terminal.test.ts). */
export const HINTS: Record<View['kind'], string> = {
  overview: 'j/k move · Enter open · w pcap · t time · 1-6 screens · ? help · q quit',
  calls: 'Enter open · / filter · f by value · T stream · e error · s/S sort · ? help',
  connections: 'Enter open · / filter · f by value · w pcap · e error · s/S sort · ? help',
  frames: 'Tab pane · x hex · H hpack · f by value · T stream · / filter · ? help',
  diagnostics: 'Enter expand / open · / filter · f by code · e error · ? help · q quit',
  diagnostic: 'Esc back · Enter follow link · Tab section · c conn · / search · ? help',
  call: 'Esc back · Enter expand/fold · y grpcurl · T stream · Tab section · / search',
  connection: 'Esc back · Tab pane · [ ] stream · Enter frame · w pcap · / search · ? help',
  hpack: 'Esc back · j/k scroll · / search',
  stats: 'Tab table · s/S sort · Enter calls or frames · ? help · q quit',
  help: 'Esc back · j/k scroll · / search',
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
