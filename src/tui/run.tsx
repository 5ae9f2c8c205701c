/**
 * `h2scope capture.pcap` in a terminal: the interactive UI. Opens the keyboard (the terminal itself when
 * stdin carries the capture), switches to the alternate screen, renders the App over a CaptureStore and
 * reads the capture into it in the background. Returns the exit status when the user quits: 0, or 1
 * when the input could not be read at all (as the report mode does).
 */
import { openSync } from 'node:fs';
import { ReadStream } from 'node:tty';
import { render } from 'ink';
import { CaptureSource } from '../capture/source.js';
import { ENGINE_DIAGNOSTICS } from '../diagnostics/engine.js';
import { diag } from '../diagnostics/make.js';
import { createEngine, type PipelineOptions } from '../engine/pipeline.js';
import { CaptureStore } from '../model/store.js';
import { escapeLines } from '../output/escape.js';
import { App } from './App.js';
import { loadCapture } from './load-capture.js';
import { loadInThread } from './load-thread.js';
import { colorsWanted } from './theme.js';

/** ECMA-48 private modes: 1049 switches to the alternate screen (and back), 25 shows the cursor. */
const ALT_SCREEN_ON = '\x1b[?1049h';
const ALT_SCREEN_OFF = '\x1b[?25h\x1b[?1049l';

interface Keys {
  stream: NodeJS.ReadStream;
  close(): void;
}

/**
 * Keys come from stdin when it is the terminal; when stdin carries the capture (`-`) or is redirected,
 * from /dev/tty (docs/dependencies.md, ink). Without a controlling terminal that fails (ENXIO).
 */
export function openKeys(input: string): Keys | { error: string } {
  if (process.stdin.isTTY && input !== '-') return { stream: process.stdin, close: () => undefined };
  try {
    const tty = new ReadStream(openSync('/dev/tty', 'r'));
    return { stream: tty as unknown as NodeJS.ReadStream, close: () => tty.destroy() };
  } catch (err) {
    const code = (err as { code?: string }).code ?? String(err);
    return { error: `no terminal to read keys from (/dev/tty: ${code}); use --format text|json|ndjson` };
  }
}

/**
 * Decodes on a worker thread (keys stay quick whatever the capture); where no worker can start (an
 * address-space limit, a host without threads), on this thread in time slices as before.
 */
function startLoading(
  store: CaptureStore,
  opts: { input: string; pipeline: PipelineOptions },
): { stop(): Promise<void> } {
  const now = (): number => performance.now();
  try {
    return loadInThread(store, { input: opts.input, pipeline: opts.pipeline, now });
  } catch {
    // fall through to decoding here
  }
  const engine = createEngine({ ...opts.pipeline, hpackReports: true }, store);
  const signal = { aborted: false };
  loadCapture(new CaptureSource(opts.input), engine, store, { now, signal }).catch((err: unknown) => {
    // Our bug, not the input's: say so on screen and keep what was decoded browsable.
    const error = err instanceof Error ? err.message : String(err);
    store.diagnostic(
      diag(ENGINE_DIAGNOSTICS, 'engine.internal-error', { packet: store.load.packets, error }),
    );
    store.setLoad({ phase: 'done' });
  });
  return {
    stop: async () => {
      signal.aborted = true;
    },
  };
}

export async function runTui(opts: { input: string; pipeline: PipelineOptions }): Promise<number> {
  const keys = openKeys(opts.input);
  if ('error' in keys) {
    process.stderr.write(`h2scope: ${escapeLines(keys.error)}\n`);
    return 2;
  }
  const store = new CaptureStore();
  const out = process.stdout;
  const restore = (): void => {
    out.write(ALT_SCREEN_OFF);
  };
  out.write(ALT_SCREEN_ON);
  process.once('exit', restore); // a crash still gives the terminal back
  let quit: () => void = () => undefined;
  const quitting = new Promise<void>((resolve) => (quit = resolve));
  const onSignal = (): void => quit();
  process.once('SIGTERM', onSignal);
  process.once('SIGHUP', onSignal);
  const colors = colorsWanted(process.env, out.hasColors?.() ?? false);
  const app = render(<App store={store} onQuit={() => quit()} colors={colors} />, {
    stdin: keys.stream,
    exitOnCtrlC: true,
    patchConsole: true,
  });
  const load = startLoading(store, opts);
  await Promise.race([quitting, app.waitUntilExit()]);
  await load.stop();
  app.unmount();
  restore();
  store.close();
  process.off('exit', restore);
  process.off('SIGTERM', onSignal);
  process.off('SIGHUP', onSignal);
  keys.close();
  return store.captureRecord?.format === null ? 1 : 0;
}
