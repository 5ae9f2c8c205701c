import { Box } from 'ink';
import { useMemo } from 'react';
import { DocumentView } from './DocumentView.js';
import { hpackDocument } from './hpack-document.js';
import type { ScreenProps } from './screen-props.js';
import { TitleBar } from './TitleBar.js';
import { useFilter } from './use-filter.js';

export function HpackScreen({ store, version, view, width, height }: ScreenProps<'hpack'>) {
  const filter = useFilter(view.filter);
  const doc = useMemo(() => hpackDocument(store, view.frame, width), [store, version, view.frame, width]);
  return (
    <Box flexDirection="column" height={height}>
      <TitleBar title="HPACK" info={`frame ${view.frame + 1}`} filter={filter} width={width} />
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
