/**
 * Reads the capture into the store on a worker thread (src/tui/load-worker.ts) while the UI thread only
 * applies the batches it ships and draws: keys are answered between batches, whatever the decoding costs.
 * Standard input is read here and piped to the worker (a worker has no stdin of its own). The same
 * progress, diagnostics and end as loadCapture, which decodes on this thread and stays for tests and
 * for hosts where a worker cannot start.
 */
import { Worker } from 'node:worker_threads';
import type { PipelineOptions } from '../engine/pipeline.js';
import { ENGINE_DIAGNOSTICS } from '../diagnostics/engine.js';
import { diag } from '../diagnostics/make.js';
import type { CaptureStore } from '../model/store.js';
import type { LoadWorkerInput, LoadWorkerMessage } from './load-worker.js';

/**
 * Frames per batch at most (and the frames of a few packets): applying 1,000 frames of small calls (their
 * calls, strings and header lists with them) is a few ms of the UI thread's time, which a key may wait
 * for (docs/performance.md, "TUI: keys while loading").
 */
export const BATCH_FRAMES = 1000;

/** Young generation of the decoding worker: V8's default size (2 x 16 MiB semi-spaces and their spill). */
const WORKER_YOUNG_MB = 48;

export interface ThreadLoadOptions {
  input: string;
  pipeline: PipelineOptions;
  /** Milliseconds from a monotonic clock (performance.now). */
  now(): number;
  /** Milliseconds of decoding between batches (default 100). */
  shipMs?: number;
  /** Milliseconds of decoding before the first batch (default 20). */
  firstShipMs?: number;
  /** Frames at which a batch goes before its time (default BATCH_FRAMES). */
  batchFrames?: number;
  /** Milliseconds between snapshots of open connections (default 1000). */
  snapshotMs?: number;
  /** The stream read for input '-' (default process.stdin). */
  stdin?: NodeJS.ReadableStream;
}

export interface ThreadLoad {
  /** Settles when the input is read and the last batch applied, or the worker failed or was stopped. */
  done: Promise<void>;
  /** Stops decoding (the user quit). */
  stop(): Promise<void>;
}

/**
 * The worker's entry next to this module: load-worker.js in the build. Under tsx or vitest (this file is
 * .ts) the worker starts from a small script that registers tsx's loader in the worker, then imports the
 * .ts source (an `--import tsx` in the worker's execArgv is not applied to its entry on Node 20).
 */
function workerEntry(): { entry: URL | string; eval: boolean } {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return { entry: new URL('./load-worker.js', here), eval: false };
  // The test suite bundles src/ once per run (test/helpers/compile-src.ts): its threads start from that
  // JavaScript rather than each transforming the TypeScript again through tsx (~1 s of CPU per thread).
  const compiled = process.env.H2SCOPE_TEST_COMPILED;
  if (compiled) return { entry: `${compiled}/load-worker.js`, eval: false };
  const source = new URL('./load-worker.ts', here).href;
  const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}); });`;
  return { entry: boot, eval: true };
}

export function loadInThread(store: CaptureStore, o: ThreadLoadOptions): ThreadLoad {
  const t0 = o.now();
  const live = o.input === '-';
  store.setLoad({ phase: 'loading', live });
  const data: LoadWorkerInput = {
    input: o.input,
    pipeline: o.pipeline,
    spoolFd: store.spool?.descriptor ?? null,
    shipMs: o.shipMs ?? 100,
    firstShipMs: o.firstShipMs ?? 20,
    batchFrames: o.batchFrames ?? BATCH_FRAMES,
    snapshotMs: o.snapshotMs ?? 1000,
  };
  const entry = workerEntry();
  const worker = new Worker(entry.entry, {
    workerData: data,
    eval: entry.eval,
    stdin: live,
    stdout: true,
    stderr: true,
    // The worker's own young generation, whatever the process's flags (bin/h2scope.js gives reports a large
    // one): decoding allocates fast, but a young generation of 3 x 64 MiB here and another on the UI
    // thread cost ~190 MiB of peak RSS on a 1M-frame capture (docs/performance.md, "TUI memory").
    resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_MB },
  });
  // Whatever the worker prints must not reach the terminal the UI draws on; its stderr explains a crash.
  let stderr = '';
  worker.stdout.resume();
  worker.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < 4096) stderr += chunk.toString('utf8');
  });
  const input = live ? (o.stdin ?? process.stdin) : null;
  if (input && worker.stdin) input.pipe(worker.stdin);
  let finished = false;
  let stopped = false;
  let packets = 0;
  const fail = (error: string): void => {
    if (finished || stopped) return;
    store.diagnostic(diag(ENGINE_DIAGNOSTICS, 'engine.internal-error', { packet: packets, error }));
  };
  const done = new Promise<void>((resolve) => {
    const end = (): void => {
      if (finished) return;
      finished = true;
      if (input && worker.stdin) input.unpipe(worker.stdin);
      store.setLoad({ phase: 'done', elapsedMs: o.now() - t0 });
      void worker.terminate(); // it waits for acks: it does not end by itself
      resolve();
    };
    // Batches are applied one per turn of the event loop, each in a task of its own: the worker's messages
    // arrive together (a port delivers all that are queued at once), and a key read from the terminal
    // must wait behind at most one batch's apply, not all of them. The worker's end and errors take
    // their turn after the batches sent before them.
    const queue: Array<() => void> = [];
    let draining = false;
    const drain = (): void => {
      queue.shift()?.();
      draining = queue.length > 0;
      if (draining) setImmediate(drain);
    };
    const later = (action: () => void): void => {
      queue.push(action);
      if (!draining) {
        draining = true;
        setImmediate(drain);
      }
    };
    worker.on('message', (m: LoadWorkerMessage) =>
      later(() => {
        if (finished || stopped) return;
        if (m.kind === 'error') {
          fail(m.error);
          end();
          return;
        }
        store.receive(m.batch);
        packets = m.progress.packets;
        store.setLoad({ ...m.progress, elapsedMs: o.now() - t0 });
        worker.postMessage('ack');
        if (m.done) end();
      }),
    );
    worker.on('error', (err) =>
      later(() => {
        fail(err.message);
        end();
      }),
    );
    worker.on('exit', (code) =>
      later(() => {
        if (code !== 0)
          fail(`decoding thread exited with status ${code}${stderr ? `: ${stderr.trim()}` : ''}`);
        end();
      }),
    );
  });
  return {
    done,
    stop: async () => {
      stopped = true;
      await worker.terminate();
    },
  };
}
