import { useMemo } from 'react';
import { blank, section, type DocLine } from './doc.js';
import { DocumentScreen } from './DocumentScreen.js';
import { HELP_SECTIONS } from './help-text.js';
import { seg, wrapWords } from './lines.js';
import type { ScreenProps } from './screen-props.js';

/**
 * Every key and what it does; a description wider than the screen continues on the next lines under
 * itself (help is never cut). Narrow screens put the description under its keys.
 */
export function helpDocument(width = 1000): DocLine[] {
  const out: DocLine[] = [];
  const keyWidth = width >= 72 ? 32 : 0;
  for (const [title, keys] of HELP_SECTIONS) {
    out.push(section(title));
    for (const [k, what] of keys) {
      const indent = keyWidth > 0 ? keyWidth + 3 : 6;
      const pieces = wrapWords(what, Math.max(20, width - indent - 1));
      if (keyWidth > 0)
        out.push({ line: [seg(`  ${k.padEnd(keyWidth)} `, 'accent', true), seg(pieces[0] ?? '')] });
      else
        out.push(
          { line: [seg(`  ${k}`, 'accent', true)] },
          { line: [seg(' '.repeat(indent) + (pieces[0] ?? ''))] },
        );
      for (const p of pieces.slice(1)) out.push({ line: [seg(' '.repeat(indent) + p)] });
    }
    out.push(blank());
  }
  return out;
}

export function HelpScreen({ store, view, width, height }: ScreenProps<'help'>) {
  const doc = useMemo(() => helpDocument(width - 1), [width]);
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
