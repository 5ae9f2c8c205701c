import { useMemo } from 'react';
import { useClock } from './clock.js';
import { DocumentScreen } from './DocumentScreen.js';
import { hpackDocument } from './hpack-document.js';
import type { ScreenProps } from './screen-props.js';

export function HpackScreen({ store, version, view, width, height }: ScreenProps<'hpack'>) {
  const clock = useClock(store);
  const doc = useMemo(
    () => hpackDocument(store, view.frame, width, clock),
    [store, version, view.frame, width, clock.format],
  );
  const info = `frame ${view.frame + 1}`;
  return (
    <DocumentScreen
      store={store}
      doc={doc}
      title="HPACK"
      info={info}
      view={view}
      width={width}
      height={height}
    />
  );
}
