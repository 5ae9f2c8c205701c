/**
 * `h2scope capture.pcap` in a terminal: the interactive UI. Opens the keyboard (the terminal itself when
 * stdin carries the capture), switches to the alternate screen, renders the App over a CaptureStore and
 * reads the capture into it in the background. Returns the exit status when the user quits: 0, or 1
 * when the input could not be read at all (as the report mode does).
 */
import { closeSync, existsSync, fstatSync, openSync } from 'node:fs';
import { resolve } from 'node:path';
import { ReadStream } from 'node:tty';
import { render } from 'ink';
import { CaptureSource, osReason } from '../capture/source.js';
import { ENGINE_DIAGNOSTICS } from '../diagnostics/engine.js';
import { diag } from '../diagnostics/make.js';
import { createEngine, type PipelineOptions } from '../engine/pipeline.js';
import { CaptureStore } from '../model/store.js';
import { escapeLines } from '../output/escape.js';
// The one export path --write-pcap uses (below both cli/ and tui/), so a connection written from the UI is the same file.
import { exportPackets, openPcapFile } from '../output/pcap-export.js';
import { App } from './App.js';
import type { Effect } from './nav-state.js';
import { loadCapture } from './load-capture.js';
import { boundHeapGrowthWhileLoading, collectWhenLoaded } from './collect-after-load.js';
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
  const lift = boundHeapGrowthWhileLoading();
  try {
    const load = loadInThread(store, { input: opts.input, pipeline: opts.pipeline, now });
    // After the worker has ended (its isolate goes with it), give back the loading's garbage.
    void load.done.then(() => {
      lift();
      collectWhenLoaded();
    });
    return load;
  } catch {
    // fall through to decoding here
  }
  const engine = createEngine({ ...opts.pipeline, hpackReports: true }, store);
  const signal = { aborted: false };
  loadCapture(new CaptureSource(opts.input), engine, store, { now, signal })
    .catch((err: unknown) => {
      // Our bug, not the input's: say so on screen and keep what was decoded browsable.
      const error = err instanceof Error ? err.message : String(err);
      store.diagnostic(
        diag(ENGINE_DIAGNOSTICS, 'engine.internal-error', { packet: store.load.packets, error }),
      );
      store.setLoad({ phase: 'done' });
    })
    .finally(lift);
  return {
    stop: async () => {
      signal.aborted = true;
    },
  };
}

/**
 * Why a capture file cannot be read at all (missing, unreadable, a directory), or null. Checked before
 * the full-screen UI starts: one line on stderr says it, as the reports do, instead of a screen that
 * shows nothing for a moment.
 */
export function inputProblem(input: string): string | null {
  if (input === '-') return null;
  try {
    const fd = openSync(input, 'r');
    try {
      if (fstatSync(fd).isDirectory()) return `Cannot open ${input}: it is a directory, not a file (EISDIR).`;
    } finally {
      closeSync(fd);
    }
    return null;
  } catch (err) {
    return `Cannot open ${input}: ${osReason(err).reason}.`;
  }
}

/** "h2scope-c3.pcap", or "h2scope-c3-2.pcap" (and so on) when that file exists: never overwrite. */
export function freshName(base: string, exists: (path: string) => boolean = existsSync): string {
  if (!exists(`${base}.pcap`)) return `${base}.pcap`;
  for (let n = 2; ; n++) if (!exists(`${base}-${n}.pcap`)) return `${base}-${n}.pcap`;
}

/**
 * Carries out what keys asked for: `y` queues text printed after the UI gives the terminal back (a
 * command to copy must not be cut or wrapped by the screen), `w` writes a connection's packets (or those of
 * a followed stream) to a new pcap file in the current directory by reading the input a second time (a
 * pipe cannot be read again), and says the file's absolute path.
 */
export function effectRunner(
  input: string,
  printOnExit: string[],
  dir = '.',
): (e: Effect) => Promise<string> {
  return async (e) => {
    switch (e.kind) {
      case 'print':
        printOnExit.push(e.text);
        return `${e.what}: printed when you quit (q)`;
      case 'write-pcap': {
        if (input === '-')
          return `${e.what}: the input is a pipe and cannot be read again (--write-pcap on a file)`;
        // An absolute path: the message says exactly where the file is, whatever the directory was.
        const path = freshName(resolve(dir, `h2scope-${e.name ?? e.connection}`));
        const only = e.packets ? new Set(e.packets) : undefined;
        const result = await exportPackets(
          input,
          new Set([e.connection]),
          openPcapFile(path),
          Infinity,
          only,
        );
        return `${e.what}: ${result.written} packets written to ${path}`;
      }
    }
  };
}

export async function runTui(opts: { input: string; pipeline: PipelineOptions }): Promise<number> {
  const problem = inputProblem(opts.input);
  if (problem !== null) {
    process.stderr.write(`h2scope: ${escapeLines(problem)}\n`);
    return 1;
  }
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
  const printOnExit: string[] = [];
  const onEffect = effectRunner(opts.input, printOnExit);
  const app = render(<App store={store} onQuit={() => quit()} colors={colors} onEffect={onEffect} />, {
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
  for (const text of printOnExit) out.write(escapeLines(text) + '\n');
  return store.captureRecord?.format === null ? 1 : 0;
}
