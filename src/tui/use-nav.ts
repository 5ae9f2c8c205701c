import { useInput } from 'ink';
import { useCallback, useEffect, useRef, useState } from 'react';
import { keyTokens, type KeyToken } from './keys.js';
import { navReducer, type NavAction } from './nav.js';
import { activeView, initialNav, type NavState } from './nav-state.js';
import type { CtxSlot } from './view-ctx.js';

/**
 * What the active screen's ViewCtx depends on: while it stays the same, queued keys are reduced at once;
 * when a key changes it (another screen, pane, filter or sort), the rest wait for the next render, which
 * publishes the new screen's ViewCtx.
 */
function ctxKey(s: NavState): string {
  const v = activeView(s);
  const sort = 'sort' in v ? `${v.sort.column}${v.sort.descending}` : '';
  const extra =
    v.kind === 'call'
      ? `${v.expanded.join(',')}${v.hex}`
      : v.kind === 'connection'
        ? `${v.stream}`
        : v.kind === 'diagnostics'
          ? v.expanded.join(',')
          : '';
  return `${s.top}|${s.stack.length}|${v.kind}|${v.pane}|${v.filter}|${sort}|${extra}|${s.prompt !== null}`;
}

export function useNav(
  slot: CtxSlot,
  onQuit: () => void,
  active: boolean,
  /** Called with each key before it is reduced, in the same React batch (one render for both). */
  onKey?: () => void,
): [NavState, (a: NavAction) => void] {
  const [state, setState] = useState(initialNav);
  const stateRef = useRef(state);
  stateRef.current = state;
  const queue = useRef<KeyToken[]>([]);
  /**
   * A key changed the screen's ViewCtx and the new screen has not rendered yet: keys that arrive now
   * (a fast typist, tmux send-keys on a busy machine) wait for that render instead of being reduced
   * against the old screen's ViewCtx (a `]` meant for the chart pane would be lost).
   */
  const awaitingRender = useRef(false);

  const drain = useCallback(() => {
    let s = stateRef.current;
    while (queue.current.length > 0) {
      const token = queue.current.shift()!;
      const next = navReducer(s, { type: 'key', token, ctx: slot.current });
      const stop = ctxKey(next) !== ctxKey(s);
      s = next;
      if (stop) awaitingRender.current = true;
      if (stop || s.quit) break;
    }
    stateRef.current = s;
    setState(s);
  }, [slot]);

  useInput(
    (input, key) => {
      onKey?.();
      queue.current.push(...keyTokens(input, key));
      if (!awaitingRender.current) drain();
    },
    { isActive: active },
  );

  useEffect(() => {
    // Runs after the render of `state`: its screen has published its ViewCtx.
    awaitingRender.current = false;
    if (state.quit) onQuit();
    else if (queue.current.length > 0) drain();
  }, [state, drain, onQuit]);

  const dispatch = useCallback((a: NavAction) => {
    const s = navReducer(stateRef.current, a);
    stateRef.current = s;
    setState(s);
  }, []);

  return [state, dispatch];
}
