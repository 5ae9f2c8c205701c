/**
 * The TUI's loader on a worker thread (src/tui/load-thread.ts, load-worker.ts): the store the UI reads
 * ends up as a store fed on the UI thread does, for a file and for a pipe, with progress and the end.
 */
import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CaptureStore, type LoadState } from '../../src/model/store.js';
import { loadInThread } from '../../src/tui/load-thread.js';
import { callRecords, callRows, loadStore, SAMPLES } from './load-store.js';

const frameRecords = (s: CaptureStore): unknown[] =>
  Array.from({ length: s.frames.count }, (_, n) => s.frames.record(n));

describe('loading on a worker thread', () => {
  it('a file: the same frames, calls and diagnostics as on the UI thread, progress of total', async () => {
    const sample = 'showcase.pcapng';
    const store = new CaptureStore({ throttleMs: 0 });
    const seen: LoadState[] = [];
    store.subscribe(() => seen.push(store.load));
    const load = loadInThread(store, {
      input: SAMPLES + sample,
      pipeline: { file: `samples/${sample}` },
      now: () => performance.now(),
      shipMs: 1,
    });
    await load.done;
    const direct = await loadStore(sample);
    expect(store.load.phase).toBe('done');
    expect(store.load.totalBytes).toBe(readFileSync(SAMPLES + sample).length);
    expect(store.load.bytesRead).toBe(store.load.totalBytes);
    expect(frameRecords(store)).toEqual(frameRecords(direct));
    expect(callRows(store)).toEqual(callRows(direct));
    expect(callRecords(store)).toEqual(callRecords(direct));
    expect(store.diagnostics).toEqual(direct.diagnostics);
    expect(store.captureRecord).toEqual(direct.captureRecord);
    // Payloads are read back through the spool file the worker appended to.
    const hex = (s: CaptureStore): string[] =>
      Array.from({ length: s.frames.count }, (_, n) => Buffer.from(s.frames.payload(n)).toString('hex'));
    expect(hex(store)).toEqual(hex(direct));
    expect(hex(store).some((h) => h.length > 0)).toBe(true);
    const reads = seen.map((l) => l.bytesRead);
    expect(reads).toEqual([...reads].sort((a, b) => a - b));
    store.close();
    direct.close();
  });

  it('a pipe: rows arrive while the input pauses, before it ends; the end comes with the last byte', async () => {
    const bytes = readFileSync(SAMPLES + 'grpc-js-unary.pcap');
    const pipe = new PassThrough();
    const store = new CaptureStore({ throttleMs: 0 });
    // The first bytes decode in well under shipMs and then the pipe goes quiet (as tcpdump -U does
    // between packets): the batch must still be shipped, not held until the next packet.
    const load = loadInThread(store, {
      input: '-',
      pipeline: { file: '-' },
      now: () => performance.now(),
      shipMs: 50,
      stdin: pipe,
    });
    pipe.write(bytes.subarray(0, 2000));
    // However long the worker takes to start (the load of the machine decides): a hang ends at the timeout.
    while (store.frames.count === 0) await new Promise((r) => setTimeout(r, 10));
    expect(store.load).toMatchObject({ phase: 'loading', live: true });
    expect(store.frames.count).toBeGreaterThan(0);
    expect(store.captureRecord).toBeNull();
    pipe.end(bytes.subarray(2000));
    await load.done;
    expect(store.load).toMatchObject({ phase: 'done', live: true, bytesRead: bytes.length, packets: 31 });
    expect(store.captureRecord).toMatchObject({ file: '-', packets: 31, complete: true });
    expect(store.frames.count).toBe(29);
    store.close();
  });

  it('stop (the user quit) ends the load without an error', async () => {
    const pipe = new PassThrough();
    const store = new CaptureStore({ throttleMs: 0 });
    const load = loadInThread(store, {
      input: '-',
      pipeline: { file: '-' },
      now: () => performance.now(),
      stdin: pipe,
    });
    await load.stop();
    await load.done;
    expect(store.load.phase).toBe('done');
    expect(store.diagnostics).toEqual([]);
    store.close();
  });

  it('not a capture: the same one-line diagnostic as on the UI thread', async () => {
    const store = new CaptureStore({ throttleMs: 0 });
    const load = loadInThread(store, {
      input: new URL('../../package.json', import.meta.url).pathname,
      pipeline: { file: 'package.json' },
      now: () => performance.now(),
    });
    await load.done;
    expect(store.captureRecord?.format).toBeNull();
    expect(store.diagnostics.map((d) => d.code)).toContain('capture.not-a-capture');
    store.close();
  });
});
