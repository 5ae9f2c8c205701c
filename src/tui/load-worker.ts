/**
 * The TUI's decoding thread. Decoding a capture costs about as much CPU as building the store's columns
 * from the records (docs/performance.md, "TUI: decoding in a worker"), and both ran between keys on the
 * UI thread. Here both run in a worker: the engine fills a builder store (src/model/store.ts, `builder`),
 * which ships what is new every `shipMs` to the UI thread's replica as one structured-cloned batch whose
 * typed arrays are transferred, not copied. The UI thread only appends the batch's columns and draws.
 *
 * A batch also goes as soon as it holds `batchFrames` frames: applying one is work on the UI thread that a
 * key waits behind, so its size is bounded, not its time (a fast decoder fills 100 ms with ~3,000 frames
 * of small calls, whose apply a key then waits for). The first batch goes after `firstShipMs`, so the
 * first rows show as soon as there are some.
 *
 * Frame payloads and whole call records go to the UI thread's spool file through its descriptor (one
 * process, one descriptor table); each batch is sent after a sync, so every offset it names is readable.
 * The worker never sends more than a few batches ahead of the UI thread (acks), so a slow terminal does
 * not let batches pile up in memory.
 */
import { tmpdir } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { CaptureSource } from '../capture/source.js';
import { createEngine, type PipelineOptions } from '../engine/pipeline.js';
import { CaptureStore, type StoreBatch } from '../model/store.js';
import { ByteSpool, NODE_FS } from '../model/store-spool.js';

export interface LoadWorkerInput {
  input: string;
  pipeline: PipelineOptions;
  /** The UI thread's spool descriptor; null: no spool (payloads kept in the columns, cut). */
  spoolFd: number | null;
  /** Milliseconds of decoding between batches. */
  shipMs: number;
  /** Milliseconds of decoding before the first batch (the first rows on screen). */
  firstShipMs: number;
  /** Frames at which a batch goes whatever the time (bounds the UI thread's work per batch). */
  batchFrames: number;
  /** Milliseconds between snapshots of open connections (live figures). */
  snapshotMs: number;
}

export interface LoadWorkerProgress {
  bytesRead: number;
  totalBytes: number | null;
  packets: number;
}

/** Worker -> UI thread. */
export type LoadWorkerMessage =
  | { kind: 'batch'; batch: StoreBatch; progress: LoadWorkerProgress; done: boolean }
  | { kind: 'error'; error: string; packets: number };

/** Batches the UI thread may have unapplied before the worker waits. */
const AHEAD = 3;
/** Packets decoded between two looks at the clock. */
const CLOCK_EVERY = 64;

/** Every transferable buffer of a batch (the typed arrays of its columns). */
export function batchBuffers(batch: StoreBatch): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  const visit = (v: unknown): void => {
    if (ArrayBuffer.isView(v)) {
      if (v.buffer instanceof ArrayBuffer && v.byteLength > 0 && !out.includes(v.buffer)) out.push(v.buffer);
    } else if (Array.isArray(v) && v.length > 0 && (ArrayBuffer.isView(v[0]) || Array.isArray(v[0])))
      for (const x of v) visit(x);
  };
  for (const part of [batch.strings, batch.lists, batch.frames, batch.hpack, batch.calls]) visit(part);
  return out;
}

async function run(port: NonNullable<typeof parentPort>, o: LoadWorkerInput): Promise<void> {
  const spool = o.spoolFd === null ? null : new ByteSpool(NODE_FS, tmpdir(), o.spoolFd);
  const store = new CaptureStore({ builder: true, spool, throttleMs: 0 });
  const engine = createEngine({ ...o.pipeline, hpackReports: true }, store);
  const source = new CaptureSource(o.input);
  let ahead = 0;
  let wake: (() => void) | null = null;
  port.on('message', (m: unknown) => {
    if (m !== 'ack') return;
    ahead--;
    wake?.();
    wake = null;
  });
  const ship = async (done: boolean): Promise<void> => {
    const batch = store.ship();
    const { bytesRead, totalBytes, packets } = source.progress;
    const msg: LoadWorkerMessage = {
      kind: 'batch',
      batch,
      progress: { bytesRead, totalBytes, packets },
      done,
    };
    port.postMessage(msg, batchBuffers(batch));
    ahead++;
    while (ahead > AHEAD && !done) await new Promise<void>((resolve) => (wake = resolve));
  };
  let shipped = performance.now();
  let snapshot = shipped;
  let shipping = false;
  let first = true;
  let shippedFrames = 0;
  const tick = async (): Promise<void> => {
    const now = performance.now();
    const full = store.frames.count - shippedFrames >= o.batchFrames;
    // The first rows go early; before there are any, batches only carry progress.
    const early = first && store.frames.count > 0;
    if (shipping || (!full && now - shipped < (early ? o.firstShipMs : o.shipMs))) return;
    if (store.frames.count > 0) first = false;
    shipping = true;
    try {
      if (now - snapshot >= o.snapshotMs) {
        snapshot = now;
        for (const rec of engine.snapshot(true)) store.connectionUpdate(rec);
      }
      shippedFrames = store.frames.count;
      await ship(false);
    } finally {
      shipping = false;
      shipped = performance.now();
    }
  };
  // A live pipe goes quiet between packets: what arrived before the pause (and the open connections'
  // figures) must reach the screen without waiting for the next packet.
  const timer = setInterval(() => void tick(), o.shipMs);
  try {
    for await (const events of source.events()) {
      // One packet at a time: a batch is full within one packet's frames of `batchFrames`, and the first
      // rows go as soon as `firstShipMs` has passed.
      for (let i = 0; i < events.length; i++) {
        engine.push(events.length === 1 ? events : [events[i]!]);
        if (first || store.frames.count - shippedFrames >= o.batchFrames || (i + 1) % CLOCK_EVERY === 0)
          await tick();
      }
      await tick();
    }
    engine.setCompressed(source.progress.compressed);
    engine.finish();
    await ship(true);
  } catch (err) {
    // Our bug, not the input's: what was shipped stays browsable, and the UI says so.
    await ship(false);
    const error = err instanceof Error ? err.message : String(err);
    const msg: LoadWorkerMessage = { kind: 'error', error, packets: source.progress.packets };
    port.postMessage(msg);
  } finally {
    clearInterval(timer);
  }
}

if (parentPort) void run(parentPort, workerData as LoadWorkerInput);
