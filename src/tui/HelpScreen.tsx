import { useMemo } from 'react';
import { blank, section, type DocLine } from './doc.js';
import { DocumentScreen } from './DocumentScreen.js';
import { HELP_SECTIONS } from './help-text.js';
import { seg } from './lines.js';
import type { ScreenProps } from './screen-props.js';

export function helpDocument(): DocLine[] {
  const out: DocLine[] = [];
  for (const [title, keys] of HELP_SECTIONS) {
    out.push(section(title));
    for (const [k, what] of keys) out.push({ line: [seg(`  ${k.padEnd(32)} `, 'accent', true), seg(what)] });
    out.push(blank());
  }
  return out;
}

export function HelpScreen({ store, view, width, height }: ScreenProps<'help'>) {
  const doc = useMemo(helpDocument, []);
  const info = 'every key · Esc back';
  return (
    <DocumentScreen
      store={store}
      doc={doc}
      title="Help"
      info={info}
      view={view}
      width={width}
      height={height}
    />
  );
}
