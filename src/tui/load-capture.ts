/**
 * Reads the capture into the store in the background while the UI is up: chunk by chunk from the
 * CaptureSource, through the engine, with the progress (bytes of total, packets, elapsed time) in the
 * store after each chunk. It yields to the event loop at least every `sliceMs` of decoding (a 1 MiB
 * chunk of small calls is ~25k frames, a quarter of a second or more of work), so keys and redraws go on
 * while a large file loads. A read problem ends as a diagnostic in the store (the source never throws); what was
 * decoded before it stays browsable.
 */
import type { CaptureSource } from '../capture/source.js';
import type { Engine } from '../engine/engine.js';
import type { CaptureStore } from '../model/store.js';

export interface LoadOptions {
  /** Milliseconds from a monotonic clock (performance.now). */
  now(): number;
  /** Set by the caller to stop reading (the user quit). */
  signal: { aborted: boolean };
  /** Longest stretch of decoding between two turns of the event loop (default 8 ms). */
  sliceMs?: number;
  /**
   * Milliseconds between snapshots of the open connections (Engine.snapshot, those that saw packets
   * since the previous one) handed to the store, so open connections show live figures (default 1000).
   */
  snapshotMs?: number;
}

/** Packets decoded between two looks at the clock. */
const CLOCK_EVERY = 64;

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export async function loadCapture(
  source: CaptureSource,
  engine: Engine,
  store: CaptureStore,
  o: LoadOptions,
): Promise<void> {
  const t0 = o.now();
  const live = typeof source.input !== 'string' || source.input === '-';
  const progress = (): void => {
    const p = source.progress;
    store.setLoad({
      bytesRead: p.bytesRead,
      totalBytes: p.totalBytes,
      packets: p.packets,
      elapsedMs: o.now() - t0,
    });
  };
  store.setLoad({ phase: 'loading', live });
  const sliceMs = o.sliceMs ?? 8;
  let sliceStart = o.now();
  const snapshotMs = o.snapshotMs ?? 1000;
  let lastSnapshot = o.now();
  const snapshots = (): void => {
    if (o.now() - lastSnapshot < snapshotMs) return;
    lastSnapshot = o.now();
    for (const rec of engine.snapshot(true)) store.connectionUpdate(rec);
  };
  reading: for await (const events of source.events()) {
    for (let at = 0; at < events.length; at += CLOCK_EVERY) {
      engine.push(at === 0 && events.length <= CLOCK_EVERY ? events : events.slice(at, at + CLOCK_EVERY));
      if (o.now() - sliceStart < sliceMs) continue;
      snapshots();
      progress();
      await nextTurn();
      sliceStart = o.now();
      if (o.signal.aborted) break reading;
    }
    snapshots();
    progress();
    if (o.signal.aborted) break;
    await nextTurn();
    sliceStart = o.now();
    if (o.signal.aborted) break;
  }
  engine.setCompressed(source.progress.compressed);
  engine.finish();
  progress();
  store.setLoad({ phase: 'done' });
}
