import { useMemo } from 'react';
import { callDocument } from './call-document.js';
import { useClock } from './clock.js';
import type { DocLine } from './doc.js';
import { grpcurlCommand } from './grpcurl.js';
import { seg } from './lines.js';
import { DocumentScreen } from './DocumentScreen.js';
import type { ScreenProps } from './screen-props.js';

/**
 * Enter on a section title folds the section (its title stays, marked ▸) and unfolds it again. The fold
 * keys share the view's toggled set with the message trees ("section:Request headers").
 */
export function foldSections(doc: DocLine[], toggled: ReadonlySet<string>): DocLine[] {
  const out: DocLine[] = [];
  let folded = false;
  for (const d of doc) {
    if (d.section) {
      const key = `section:${d.line[0]?.text ?? ''}`;
      folded = toggled.has(key);
      out.push({ ...d, toggle: key, line: [seg(folded ? '▸ ' : '▾ ', 'dim'), ...d.line] });
      continue;
    }
    if (!folded) out.push(d);
  }
  return out;
}

export function CallDetailScreen({ store, version, view, width, height }: ScreenProps<'call'>) {
  const clock = useClock(store);
  const doc = useMemo(() => {
    const toggled = new Set(view.expanded);
    return foldSections(
      callDocument(store, view.call, { expanded: toggled, hex: view.hex, width: width - 1, clock }),
      toggled,
    );
  }, [store, version, view.call, view.expanded, view.hex, width, clock.format]);
  const c = view.call < store.callCount ? store.callRow(view.call, false) : null;
  const info = c
    ? `${c.connection} stream ${c.stream} · Enter expands · y prints the grpcurl command on exit`
    : '';
  const connectionOf = (): number | null => (c ? store.callConnection(view.call) : null);
  const streamOf = () => (c ? { connection: c.connection, stream: c.stream } : null);
  const pcapOf = () =>
    c ? { connection: c.connection, what: `connection ${c.connection} (the call's)` } : null;
  const copyText = () => {
    const rec = c ? store.callRecord(view.call) : null;
    if (!rec) return null;
    const { command } = grpcurlCommand(rec, store.connectionById(rec.connection)?.record ?? null);
    return { text: command, what: 'the grpcurl command' };
  };
  return (
    <DocumentScreen
      store={store}
      doc={doc}
      title="Call"
      info={info}
      view={view}
      width={width}
      height={height}
      extra={{ connectionOf, streamOf, pcapOf, copyText }}
    />
  );
}
