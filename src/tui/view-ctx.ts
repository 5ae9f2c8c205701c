/**
 * How the active screen tells the key handler about its focused list (row count, page height, what Enter
 * opens): it publishes a ViewCtx during render; keys are reduced against the latest one.
 */
import { createContext, useContext } from 'react';
import type { ViewCtx } from './nav.js';

export interface CtxSlot {
  current: ViewCtx;
}

export const EMPTY_CTX: ViewCtx = { count: 0, page: 1 };

export const ViewCtxContext = createContext<CtxSlot>({ current: EMPTY_CTX });

/** Publishes the screen's ViewCtx (a ref write: no re-render); null (an unfocused pane) publishes nothing. */
export function usePublishCtx(ctx: ViewCtx | null): void {
  const slot = useContext(ViewCtxContext);
  if (ctx) slot.current = ctx;
}
