/**
 * The TUI decoding worker's work without the worker (src/tui/load-worker.ts): the engine fills a builder
 * store whose batches (every 1,000 frames) are shipped and dropped, for probes of the worker's heap
 * (worker-heap.ts, worker-promoted.ts; docs/performance.md, "TUI load, session 8").
 */
import { CaptureSource } from '../../src/capture/source.js';
import type { Engine } from '../../src/engine/engine.js';
import { createEngine } from '../../src/engine/pipeline.js';
import { CaptureStore } from '../../src/model/store.js';
import { ByteSpool } from '../../src/model/store-spool.js';

export async function loadLikeWorker(
  file: string,
  /** Stop after this many frames, before the end (what the worker holds in the middle of a load). */
  stopAt = Number.POSITIVE_INFINITY,
): Promise<{ store: CaptureStore; engine: Engine }> {
  const store = new CaptureStore({ throttleMs: 0, builder: true, spool: new ByteSpool() });
  const engine = createEngine({ file, hpackReports: true }, store);
  const source = new CaptureSource(file);
  let shipped = 0;
  for await (const events of source.events()) {
    engine.push(events);
    if (store.frames.count - shipped >= 1000) {
      shipped = store.frames.count;
      store.ship();
    }
    if (store.frames.count >= stopAt) return { store, engine };
  }
  engine.finish();
  return { store, engine };
}
