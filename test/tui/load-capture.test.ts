import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CaptureSource } from '../../src/capture/source.js';
import { createEngine } from '../../src/engine/pipeline.js';
import { CaptureStore, type LoadState } from '../../src/model/store.js';
import { summarizeConnection } from '../../src/model/store-selectors.js';
import { loadCapture } from '../../src/tui/load-capture.js';
import { SAMPLES } from './load-store.js';

const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 5));

function setup(
  input: string | PassThrough,
  snapshotMs?: number,
): {
  store: CaptureStore;
  run: (signal?: { aborted: boolean }) => Promise<void>;
  seen: LoadState[];
} {
  const store = new CaptureStore({ throttleMs: 0 });
  const seen: LoadState[] = [];
  store.subscribe(() => seen.push(store.load));
  const engine = createEngine({ file: typeof input === 'string' ? input : '-', hpackReports: true }, store);
  let clock = 0;
  const run = (signal = { aborted: false }): Promise<void> =>
    loadCapture(new CaptureSource(input), engine, store, {
      now: () => (clock += 10),
      signal,
      ...(snapshotMs !== undefined ? { snapshotMs } : {}),
    });
  return { store, run, seen };
}

describe('loadCapture', () => {
  it('a pipe: records arrive chunk by chunk with a live counter, then the input ends', async () => {
    const bytes = readFileSync(SAMPLES + 'grpc-js-unary.pcap');
    const pipe = new PassThrough();
    const { store, run, seen } = setup(pipe);
    const done = run();
    pipe.write(bytes.subarray(0, 24 + 16 + 100)); // the pcap header and the first record
    await tick();
    pipe.write(bytes.subarray(140, 2000));
    await tick();
    expect(store.load).toMatchObject({ phase: 'loading', live: true, totalBytes: null, bytesRead: 2000 });
    expect(store.frames.count).toBeGreaterThan(0);
    expect(store.captureRecord).toBeNull();
    pipe.end(bytes.subarray(2000));
    await done;
    expect(store.load).toMatchObject({ phase: 'done', live: true, bytesRead: bytes.length, packets: 31 });
    expect(store.captureRecord).toMatchObject({ file: '-', packets: 31, complete: true });
    expect(store.frames.count).toBe(29);
    const reads = seen.map((l) => l.bytesRead);
    expect(reads).toEqual([...reads].sort((a, b) => a - b)); // progress only grows
    expect(seen.some((l) => l.phase === 'loading' && l.bytesRead === 2000)).toBe(true);
  });

  it('a file: the total is known, so progress is bytes of total', async () => {
    const { store, run } = setup(SAMPLES + 'grpc-js-large.pcap');
    await run();
    const size = readFileSync(SAMPLES + 'grpc-js-large.pcap').length;
    expect(store.load).toMatchObject({
      phase: 'done',
      live: false,
      totalBytes: size,
      bytesRead: size,
      packets: 128,
    });
    expect(store.load.elapsedMs).toBeGreaterThan(0);
  });

  it('stops reading when the user quits, and still finishes what was decoded', async () => {
    const pipe = new PassThrough();
    const bytes = readFileSync(SAMPLES + 'grpc-js-unary.pcap');
    const { store, run } = setup(pipe);
    const signal = { aborted: false };
    const done = run(signal);
    pipe.write(bytes.subarray(0, 2000));
    await tick();
    signal.aborted = true;
    pipe.write(bytes.subarray(2000, 3000));
    await done;
    expect(store.load.phase).toBe('done');
    expect(store.captureRecord!.packets).toBeLessThan(31);
    expect(store.connections[0]!.record?.endReason).toBe('capture-end');
  });

  it('an unreadable input ends with the capture error in the store', async () => {
    const { store, run } = setup(SAMPLES + 'damaged-notacapture.pcap');
    await run();
    expect(store.load.phase).toBe('done');
    expect(store.diagnostics.map((d) => d.code)).toEqual(['capture.not-a-capture']);
    expect(store.captureRecord?.format).toBeNull();
  });

  it('a pipe: an open connection gets live figures from snapshots; its final record replaces them', async () => {
    const bytes = readFileSync(SAMPLES + 'grpc-js-unary.pcap');
    const pipe = new PassThrough();
    const { store, run } = setup(pipe, 0);
    const done = run();
    pipe.write(bytes.subarray(0, 2000)); // the connection is open: no FIN yet
    await tick();
    await tick();
    const entry = store.connections[0]!;
    expect(entry.record).toBeNull();
    expect(entry.snapshot).toMatchObject({ open: true, endReason: 'open', protocol: 'h2c' });
    expect(entry.snapshot!.bytes.client + entry.snapshot!.bytes.server).toBeGreaterThan(0);
    const summary = summarizeConnection(store, entry);
    expect(summary).toMatchObject({
      open: true,
      client: entry.snapshot!.client,
      server: entry.snapshot!.server,
    });
    expect(summary.bytes).toBe(entry.snapshot!.bytes.client + entry.snapshot!.bytes.server);
    pipe.end(bytes.subarray(2000));
    await done;
    expect(entry.record).not.toBeNull();
    expect(entry.snapshot).toBeNull();
    expect(summarizeConnection(store, entry).open).toBe(false);
  });
});
