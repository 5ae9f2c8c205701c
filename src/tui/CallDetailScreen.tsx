import { useMemo } from 'react';
import { callDocument } from './call-document.js';
import { DocumentScreen } from './DocumentScreen.js';
import type { ScreenProps } from './screen-props.js';

export function CallDetailScreen({ store, version, view, width, height }: ScreenProps<'call'>) {
  const doc = useMemo(
    () =>
      callDocument(store, view.call, { expanded: new Set(view.expanded), hex: view.hex, width: width - 1 }),
    [store, version, view.call, view.expanded, view.hex, width],
  );
  const c = view.call < store.callCount ? store.callRow(view.call, false) : null;
  const info = c ? `${c.connection} stream ${c.stream} · Enter expands a message · x raw bytes` : '';
  const connectionOf = (): number | null => (c ? store.callConnection(view.call) : null);
  return (
    <DocumentScreen
      store={store}
      doc={doc}
      title="Call"
      info={info}
      view={view}
      width={width}
      height={height}
      extra={{ connectionOf }}
    />
  );
}
