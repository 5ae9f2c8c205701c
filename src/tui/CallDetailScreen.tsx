import { Box } from 'ink';
import { useMemo } from 'react';
import { callDocument } from './call-document.js';
import { DocumentView } from './DocumentView.js';
import type { ScreenProps } from './screen-props.js';
import { TitleBar } from './TitleBar.js';
import { useFilter } from './use-filter.js';

export function CallDetailScreen({ store, version, view, width, height }: ScreenProps<'call'>) {
  const filter = useFilter(view.filter);
  const doc = useMemo(
    () =>
      callDocument(store, view.call, { expanded: new Set(view.expanded), hex: view.hex, width: width - 1 }),
    [store, version, view.call, view.expanded, view.hex, width],
  );
  const c = store.calls[view.call];
  const info = c ? `${c.connection} stream ${c.stream} · Enter expands a message · x raw bytes` : '';
  return (
    <Box flexDirection="column" height={height}>
      <TitleBar title="Call" info={info} filter={filter} width={width} />
      <DocumentView
        store={store}
        doc={doc}
        list={view.lists[0]}
        filter={filter}
        width={width}
        height={height - 1}
        extra={{ connectionOf: () => (c ? (store.connectionById(c.connection)?.ordinal ?? null) : null) }}
      />
    </Box>
  );
}
