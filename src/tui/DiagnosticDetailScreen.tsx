import { useMemo } from 'react';
import { diagnosticDocument, diagnosticPosition } from './diagnostic-document.js';
import { DocumentScreen } from './DocumentScreen.js';
import type { ScreenProps } from './screen-props.js';

/** One diagnostic in full (Enter on a diagnostic): explanation, fix, evidence, and links to follow. */
export function DiagnosticDetailScreen({ store, version, view, width, height }: ScreenProps<'diagnostic'>) {
  const doc = useMemo(
    () => diagnosticDocument(store, view.diagnostic, width - 1),
    [store, version, view.diagnostic, width],
  );
  const info = useMemo(() => diagnosticPosition(store, view.diagnostic), [store, version, view.diagnostic]);
  const d = store.diagnostics[view.diagnostic];
  const connectionOf = (): number | null =>
    d?.connection !== undefined ? (store.connectionById(d.connection)?.ordinal ?? null) : null;
  return (
    <DocumentScreen
      store={store}
      doc={doc}
      title="Diagnostic"
      info={info}
      view={view}
      width={width}
      height={height}
      extra={{ connectionOf }}
    />
  );
}
