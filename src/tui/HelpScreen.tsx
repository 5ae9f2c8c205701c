import { Box } from 'ink';
import { useMemo } from 'react';
import { blank, section, type DocLine } from './doc.js';
import { DocumentView } from './DocumentView.js';
import { HELP_SECTIONS } from './help-text.js';
import { seg } from './lines.js';
import type { ScreenProps } from './screen-props.js';
import { TitleBar } from './TitleBar.js';
import { useFilter } from './use-filter.js';

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
  const filter = useFilter(view.filter);
  const doc = useMemo(helpDocument, []);
  return (
    <Box flexDirection="column" height={height}>
      <TitleBar title="Help" info="every key · Esc back" filter={filter} width={width} />
      <DocumentView
        store={store}
        doc={doc}
        list={view.lists[0]}
        filter={filter}
        width={width}
        height={height - 1}
      />
    </Box>
  );
}
