/**
 * What the UI thread does per batch while a capture loads on the decode worker (issue #11 item 4): a batch
 * holds a bounded number of frames, batches are applied one per turn of the event loop (a key read between
 * two of them waits behind one apply, not all those queued), and a key's render carries the store's
 * pending notification instead of a second redraw. Structure, not time: no clock is asserted.
 */
import { render } from 'ink-testing-library';
import { createElement } from 'react';
import { describe, expect, it } from 'vitest';
import { readCaptureFile } from '../../src/capture/source.js';
import { createEngine } from '../../src/engine/pipeline.js';
import { CaptureStore, type StoreBatch } from '../../src/model/store.js';
import { App } from '../../src/tui/App.js';
import { loadInThread } from '../../src/tui/load-thread.js';
import { loadStore, SAMPLES } from './load-store.js';

describe('the UI thread applies bounded batches, one per event-loop turn', () => {
  it("batches of at most batchFrames (and one packet's frames), each applied in a turn of its own", async () => {
    // 5,887 frames; a packet carries up to 540 (a rapid-reset burst), most one or two.
    const sample = 'abuse-rapid-reset-grpc-js.pcap';
    const direct = await loadStore(sample);
    // What a batch may hold beyond its bound: the frames of the packet that filled it, less one.
    const perPacket = new Map<number, number>();
    for (let n = 0; n < direct.frames.count; n++) {
      const p = direct.frames.packet.get(n);
      perPacket.set(p, (perPacket.get(p) ?? 0) + 1);
    }
    const batchFrames = 200;
    expect(direct.frames.count).toBeGreaterThan(25 * batchFrames);

    const store = new CaptureStore({ throttleMs: 0 });
    // An event-loop turn counter: a setImmediate that re-arms itself runs once per turn.
    let turn = 0;
    let counting = true;
    const count = (): void => {
      turn++;
      if (counting) setImmediate(count);
    };
    setImmediate(count);
    const applied: Array<{ frames: number; turn: number }> = [];
    const receive = store.receive.bind(store);
    store.receive = (batch: StoreBatch): void => {
      const before = store.frames.count;
      receive(batch);
      applied.push({ frames: store.frames.count - before, turn });
    };
    const load = loadInThread(store, {
      input: SAMPLES + sample,
      pipeline: { file: `samples/${sample}` },
      now: () => performance.now(),
      // Only the size sends a batch (and the end): the bound is what is tested.
      shipMs: 60_000,
      firstShipMs: 60_000,
      batchFrames,
    });
    await load.done;
    counting = false;
    expect(store.frames.count).toBe(direct.frames.count);
    expect(applied.length).toBeGreaterThan(15);
    // Each batch: at most batchFrames - 1 frames, then the packet that reached the bound.
    let first = 0;
    for (const a of applied) {
      const last = first + a.frames - 1;
      if (a.frames > 0)
        expect(a.frames - perPacket.get(direct.frames.packet.get(last))!).toBeLessThan(batchFrames);
      first += a.frames;
    }
    // No two batches in one turn: a key read from the terminal between them is handled in between.
    const turns = applied.map((a) => a.turn);
    expect(new Set(turns).size).toBe(turns.length);
    store.close();
    direct.close();
  });

  it('the first rows go in a batch of their own, before a full batch or the ship interval', async () => {
    const sample = 'abuse-rapid-reset-grpc-js.pcap';
    const store = new CaptureStore({ throttleMs: 0 });
    const sizes: number[] = [];
    const receive = store.receive.bind(store);
    store.receive = (batch: StoreBatch): void => {
      const before = store.frames.count;
      receive(batch);
      sizes.push(store.frames.count - before);
    };
    const load = loadInThread(store, {
      input: SAMPLES + sample,
      pipeline: { file: `samples/${sample}` },
      now: () => performance.now(),
      shipMs: 60_000,
      firstShipMs: 0,
      batchFrames: 1_000_000,
    });
    await load.done;
    // The first batch with frames goes after the first packet that has some (firstShipMs 0), the rest at
    // the end: two batches with frames, the first that packet's.
    const withFrames = sizes.filter((n) => n > 0);
    expect(withFrames.length).toBe(2);
    const firstPacket = store.frames.packet.get(0);
    let inFirst = 0;
    while (store.frames.packet.get(inFirst) === firstPacket) inFirst++;
    expect(withFrames[0]).toBe(inFirst);
    store.close();
  });
});

describe('a key takes the pending notification into its own render', () => {
  it('one frame for the key, drawn from the store as it stands, and the store notified', async () => {
    // A store whose throttled notification never comes by itself: only a key shows what arrived.
    const store = new CaptureStore({ throttleMs: 250, timer: { set: () => 0, clear: () => undefined } });
    const app = render(
      createElement(App, { store, onQuit: () => undefined, size: { columns: 100, rows: 30 } }),
    );
    app.stdin.write('4');
    const engine = createEngine({ file: 'samples/grpc-js-unary.pcap', hpackReports: true }, store);
    engine.push(await readCaptureFile(SAMPLES + 'grpc-js-unary.pcap'));
    const version = store.version;
    const frames = app.stdout.frames.length;
    app.stdin.write('j');
    expect(store.version).toBeGreaterThan(version);
    await new Promise((r) => setTimeout(r, 100));
    expect(app.stdout.frames.length).toBe(frames + 1);
    expect(app.lastFrame()).toContain(`of ${store.frames.count} frames`);
    app.unmount();
    store.close();
  });
});
