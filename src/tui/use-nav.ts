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
): [NavState, (a: NavAction) => void] {
  const [state, setState] = useState(initialNav);
  const stateRef = useRef(state);
  stateRef.current = state;
  const queue = useRef<KeyToken[]>([]);

  const drain = useCallback(() => {
    let s = stateRef.current;
    while (queue.current.length > 0) {
      const token = queue.current.shift()!;
      const next = navReducer(s, { type: 'key', token, ctx: slot.current });
      const stop = ctxKey(next) !== ctxKey(s);
      s = next;
      if (stop || s.quit) break;
    }
    stateRef.current = s;
    setState(s);
  }, [slot]);

  useInput(
    (input, key) => {
      queue.current.push(...keyTokens(input, key));
      drain();
    },
    { isActive: active },
  );

  useEffect(() => {
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
