/** H2SCOPE_THREAD_CPU's figures (src/cli/thread-cpu.ts): this thread's CPU time, and the line that splits a run's. */
import { describe, expect, it } from 'vitest';
import { threadCpuLine, threadCpuSeconds, threadCpuWanted } from '../../src/cli/thread-cpu.js';

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
