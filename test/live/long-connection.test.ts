/**
 * One connection that never ends, carrying a unary gRPC call every 10 s and a keepalive PING every 30 s
 * for 24 hours of capture time (scripts/bench/live-capture.ts builds it packet by packet, HPACK included),
 * through the whole pipeline: the heap left after a full GC must be flat from a quarter of the day to its
 * end, i.e. bounded by the analysis caps and not by the number of calls. The caps are lowered here so they
 * are reached within the quarter (the defaults are reached after about 10,000 streams).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { analysisObserverFactory } from '../../src/analysis/connection-analyzer.js';
import { CaptureReader } from '../../src/capture/capture-reader.js';
import { Engine } from '../../src/engine/engine.js';
import { grpcObserverFactory } from '../../src/grpc/call-observer.js';
import { ndjsonSink } from '../../src/output/ndjson.js';
import { longConnection } from '../../scripts/bench/live-capture.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const DAY = 86_400;

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

describe('a connection open for 24 hours', () => {
  it('holds flat memory while its calls go on', async () => {
    let calls = 0;
    let lines = 0;
    const sink = { ...ndjsonSink(() => void lines++), call: () => void calls++ };
    const observers = [
      grpcObserverFactory(null, { grpcPorts: [] }),
      analysisObserverFactory({
        maxStreams: 100,
        maxTrackedStreams: 500,
        maxPendingCalls: 100,
        maxListed: 100,
      }),
    ];
    const engine = new Engine({ file: 'long', observers }, sink);
    const reader = new CaptureReader();
    const heap: Array<{ at: number; bytes: number; calls: number }> = [];
    let start: number | null = null;
    let next = DAY / 4;
    for (const { chunk, time } of longConnection({ seconds: DAY, callEvery: 10 })) {
      engine.push(reader.push(chunk));
      // hpack.js streams emit on process.nextTick: let them run, as the CLI's reading loop does.
      await new Promise((resolve) => setImmediate(resolve));
      start ??= time;
      // Not the last chunk: it comes after the generator's end, when its own buffers go.
      if (time - start >= next && time - start < DAY * 0.95) {
        heap.push({ at: (time - start) / DAY, bytes: heapAfterGc(), calls });
        next += DAY / 8;
      }
    }
    const open = engine.snapshot();
    expect(open).toHaveLength(1);
    expect(open[0]!.pings!.client.sent).toBeGreaterThan(2800);
    expect(calls).toBeGreaterThan(8000);
    const quarter = heap[0]!;
    // Samples fall at 1 MiB chunk boundaries.
    const end = heap[heap.length - 1]!;
    expect(quarter.at).toBeLessThan(0.4);
    expect(end.at).toBeGreaterThan(0.85);
    expect(end.at).toBeLessThan(0.95);
    // Flat: the calls of the last three quarters (over 6,000) left less than 100 bytes each behind.
    const perCall = (end.bytes - quarter.bytes) / (end.calls - quarter.calls);
    expect(perCall, JSON.stringify(heap)).toBeLessThan(100);
  });
});
