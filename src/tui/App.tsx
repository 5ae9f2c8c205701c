import { Box } from 'ink';
import { useCallback, useEffect, useMemo, useRef } from 'react';
import type { CaptureStore } from '../model/store.js';
import { selectInputError } from '../model/store-selectors.js';
import { TimeFormatContext } from './clock.js';
import { Footer } from './Footer.js';
import { Header } from './Header.js';
import { activeView, type Effect } from './nav-state.js';
import { Screen } from './Screen.js';
import { makeTheme, ThemeContext } from './theme.js';
import { useNav } from './use-nav.js';
import { useStoreVersion } from './use-store-version.js';
import { useTerminalSize, type TerminalSize } from './use-terminal-size.js';
import { EMPTY_CTX, ViewCtxContext, type CtxSlot } from './view-ctx.js';

export interface AppProps {
  store: CaptureStore;
  onQuit: () => void;
  colors?: boolean;
  /** Fixed size (tests); otherwise the terminal's, following resizes. */
  size?: Partial<TerminalSize>;
  /** Carries out an effect a key asked for (nav-state.ts Effect); resolves to a line for the status bar. */
  onEffect?: (e: Effect) => Promise<string>;
}

/** The frame around the active screen: tabs and load status, the screen, then hints or the filter prompt. */
export function App({ store, onQuit, colors = false, size, onEffect }: AppProps) {
  const version = useStoreVersion(store);
  const term = useTerminalSize(size);
  const slot = useRef<CtxSlot>({ current: EMPTY_CTX }).current;
  const flush = useCallback(() => store.flush(), [store]);
  // A key shows what has arrived since the last redraw: the store's pending notification is given now, in
  // the key's own render, rather than in a second redraw at the end of the throttle interval (while a
  // capture loads, a redraw is most of the UI thread's work: docs/performance.md, "TUI: keys while
  // loading").
  const [nav, dispatch] = useNav(slot, onQuit, true, flush);
  const theme = useMemo(() => makeTheme(colors), [colors]);
  const failed = store.load.phase === 'done' && selectInputError(store) !== null;
  useEffect(() => {
    if (failed) dispatch({ type: 'input-error' });
  }, [failed, dispatch]);
  // Effects are append-only in the state: carry out the ones not yet done, each reporting one line.
  const done = useRef(0);
  useEffect(() => {
    for (; done.current < nav.effects.length; done.current++) {
      const e = nav.effects[done.current]!;
      if (!onEffect) {
        dispatch({ type: 'message', text: `${e.what}: not available here` });
        continue;
      }
      onEffect(e).then(
        (text) => dispatch({ type: 'message', text }),
        (err: unknown) =>
          dispatch({
            type: 'message',
            text: `${e.what} failed: ${err instanceof Error ? err.message : String(err)}`,
          }),
      );
    }
  }, [nav.effects, onEffect, dispatch]);
  // One row less than the terminal: ink clears the whole screen on every frame otherwise.
  const height = Math.max(4, term.rows - 1);
  const width = Math.max(20, term.columns);
  const view = activeView(nav);
  return (
    <ThemeContext.Provider value={theme}>
      <ViewCtxContext.Provider value={slot}>
        <TimeFormatContext.Provider value={nav.timeFormat}>
          <Box flexDirection="column" width={width} height={height}>
            <Header nav={nav} store={store} version={version} width={width} />
            <Screen store={store} version={version} view={view} width={width} height={height - 2} />
            <Footer nav={nav} view={view} width={width} />
          </Box>
        </TimeFormatContext.Provider>
      </ViewCtxContext.Provider>
    </ThemeContext.Provider>
  );
}
