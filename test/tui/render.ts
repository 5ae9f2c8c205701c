/** Test helper: the App in ink-testing-library over a store, with keys and a wait for the next frame. */
import { render } from 'ink-testing-library';
import { createElement } from 'react';
import { App } from '../../src/tui/App.js';
import type { CaptureStore } from '../../src/model/store.js';

export interface Rendered {
  frame(): string;
  /** Writes keys (one string may hold several, as a terminal sends them) and waits for the screen to settle. */
  keys(...input: string[]): Promise<string>;
  quit: { count: number };
  unmount(): void;
}

export const KEY = {
  down: '\x1b[B',
  up: '\x1b[A',
  enter: '\r',
  esc: '\x1b',
  tab: '\t',
  backtab: '\x1b[Z',
  pageDown: '\x1b[6~',
  pageUp: '\x1b[5~',
  backspace: '\x7f',
};

const tick = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Waits until the last frame stops changing: keys that change the screen are handled one render at a time,
 * and ink-testing-library renders in debug mode, at each commit (no 30 fps throttle). The App runs on this
 * event loop, so a poll runs only after the work queued before it: "stable" is unchanged over 8 polls 5 ms
 * apart. Measured over the TUI tests, a key's last change came within the first 20 ms, or in a run of
 * changes one turn apart (FramesScreen's stepped drawing), so 100 ms of stability cost wall time for nothing.
 */
async function settle(get: () => string): Promise<string> {
  let last = get();
  let stable = 0;
  for (let i = 0; i < 800 && stable < 8; i++) {
    await tick(5);
    const now = get();
    stable = now === last ? stable + 1 : 0;
    last = now;
  }
  return last;
}

export async function renderApp(
  store: CaptureStore,
  size: { columns?: number; rows: number } = { rows: 30 },
): Promise<Rendered> {
  const quit = { count: 0 };
  const app = render(
    createElement(App, { store, onQuit: () => quit.count++, size: { columns: 100, ...size } }),
  );
  const frame = (): string => app.lastFrame() ?? '';
  await settle(frame);
  return {
    frame,
    quit,
    keys: async (...input) => {
      for (const k of input) {
        app.stdin.write(k);
        await settle(frame);
      }
      return input.length === 0 ? settle(frame) : frame();
    },
    unmount: () => app.unmount(),
  };
}
