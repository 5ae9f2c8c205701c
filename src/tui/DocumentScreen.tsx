import { Box } from 'ink';
import type { CaptureStore } from '../model/store.js';
import { DocumentView, type DocSource } from './DocumentView.js';
import type { ListState } from './nav-state.js';
import type { ViewCtx } from './nav.js';
import { TitleBar } from './TitleBar.js';
import { useFilter } from './use-filter.js';

/** A full screen that is one scrollable document under a title bar (call detail, HPACK inspector, help). */
export function DocumentScreen({
  store,
  doc,
  title,
  info,
  view,
  width,
  height,
  extra,
}: {
  store: CaptureStore;
  doc: DocSource;
  title: string;
  info: string;
  view: { filter: string; lists: ListState[] };
  width: number;
  height: number;
  extra?: Partial<ViewCtx>;
}) {
  const filter = useFilter(view.filter);
  return (
    <Box flexDirection="column" height={height}>
      <TitleBar title={title} info={info} filter={filter} width={width} search />
      <DocumentView
        store={store}
        doc={doc}
        list={view.lists[0]}
        filter={filter}
        width={width}
        height={height - 1}
        {...(extra ? { extra } : {})}
      />
    </Box>
  );
}
