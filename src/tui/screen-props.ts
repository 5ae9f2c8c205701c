import type { CaptureStore } from '../model/store.js';
import type { ConnectionContext } from '../filter/index.js';
import type { View } from './nav-state.js';

export interface ScreenProps<K extends View['kind']> {
  store: CaptureStore;
  /** store.version when rendered: memoized selectors recompute when it changes. */
  version: number;
  view: Extract<View, { kind: K }>;
  width: number;
  height: number;
}

/** What a filter knows of a row's connection: the record once it ended, else only its id. */
export function connectionContext(store: CaptureStore, id: string): ConnectionContext {
  return store.connectionById(id)?.record ?? { id };
}
