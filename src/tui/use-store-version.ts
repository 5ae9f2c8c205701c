import { useSyncExternalStore } from 'react';
import type { CaptureStore } from '../model/store.js';

/** Re-renders the caller when the store notifies (at most every throttle interval while loading). */
export function useStoreVersion(store: CaptureStore): number {
  return useSyncExternalStore(store.subscribe, () => store.version);
}
