/** H2SCOPE_THREAD_CPU's figures (src/cli/thread-cpu.ts): this thread's CPU time, and the line that splits a run's. */
import { describe, expect, it } from 'vitest';
import { threadCpuLine, threadCpuSeconds, threadCpuWanted } from '../../src/cli/thread-cpu.js';
import { ThreadTimes, threadTimesLines, threadTimesWanted } from '../../src/cli/thread-times.js';

describe('thread CPU', () => {
  it('reads this thread’s time, at most the process’s', () => {
    const own = threadCpuSeconds();
    if (own === null) return; // no /proc/thread-self: not Linux
    const usage = process.cpuUsage();
    expect(own).toBeGreaterThan(0);
    // Clock ticks (10 ms) against microseconds: allow one tick.
    expect(own).toBeLessThanOrEqual((usage.user + usage.system) / 1e6 + 0.01);
  });

  it('names the merging thread, each decoding thread and the rest', () => {
    const line = threadCpuLine(0.5, [1.25, null]);
    expect(line).toMatch(
      /^h2scope: thread CPU: total \d+\.\d\d s, merging thread 0\.50 s, decoding threads 1\.25 s \/ \?, rest \(V8 helper threads, file reads\) -?\d+\.\d\d s\n$/,
    );
    expect(threadCpuLine(0.5, [])).toContain('main thread 0.50 s, rest');
  });

  it('is asked for by a non-empty H2SCOPE_THREAD_CPU', () => {
    expect(threadCpuWanted({ H2SCOPE_THREAD_CPU: '1' })).toBe(true);
    expect(threadCpuWanted({ H2SCOPE_THREAD_CPU: '' })).toBe(false);
    expect(threadCpuWanted({})).toBe(false);
  });
});

describe('thread times', () => {
  it('is asked for by a non-empty H2SCOPE_THREAD_TIMES', () => {
    expect(threadTimesWanted({ H2SCOPE_THREAD_TIMES: '1' })).toBe(true);
    expect(threadTimesWanted({})).toBe(false);
  });

  it('tells each thread’s spans, idle time, GC and marks against the main thread’s origin', async () => {
    const times = new ThreadTimes();
    const t = times.now();
    await new Promise((r) => setTimeout(r, 5));
    times.end('wait', t);
    times.mark('own1');
    const report = times.report();
    expect(report.spans.wait![1]).toBe(1);
    expect(report.spans.wait![0]).toBeGreaterThan(0);
    expect(report.idle).toBeGreaterThanOrEqual(0);
    const worker = { ...report, origin: report.origin + 250 };
    const lines = threadTimesLines([report, worker, null]).split('\n');
    expect(lines[0]).toMatch(
      /^h2scope: thread 0: born @0\.00, run @\d+\.\d\d-\d+\.\d\d s, idle .*; wait \d+\.\d\d s\/1; own1 @/,
    );
    expect(lines[1]).toMatch(/^h2scope: thread 1: born @0\.25,/);
    expect(lines[2]).toBe('h2scope: thread 2: ?');
  });
});
