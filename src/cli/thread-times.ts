/**
 * Where a threaded report's wall time goes, per thread, for `H2SCOPE_THREAD_TIMES=1` (docs/performance.md,
 * "Threads, session 9"). CPU per thread (H2SCOPE_THREAD_CPU, src/cli/thread-cpu.ts) says how much work each
 * thread did; this says when each was busy and what it waited for: its own chunk (the file read or the
 * parse), the other shard's batch, an ack of the merge, the output. On a loaded machine the wall times are
 * inflated, but who waits for whom, and how long relative to the thread's busy time, still shows what
 * serialises two threads.
 */
import { performance, PerformanceObserver } from 'node:perf_hooks';

export function threadTimesWanted(env: NodeJS.ProcessEnv = process.env): boolean {
  return (env.H2SCOPE_THREAD_TIMES ?? '') !== '';
}

/** One thread's figures, as they cross to the merging thread (structured clone). */
export interface ThreadTimesReport {
  /** performance.timeOrigin of the thread (epoch ms): a worker's start against the main thread's. */
  origin: number;
  /** ms from the thread's origin to the figures' start and to its end. */
  begin: number;
  end: number;
  /** Event loop time waiting for I/O or messages (performance.eventLoopUtilization's idle), ms. */
  idle: number;
  /** Time in V8's garbage collection pauses on this thread, ms and count. */
  gc: number;
  gcs: number;
  /** Named spans: total ms and count. */
  spans: Record<string, [number, number]>;
  /** Named points: epoch ms. */
  marks: Record<string, number>;
}

export class ThreadTimes {
  private readonly begin = performance.now();
  private readonly elu = performance.eventLoopUtilization();
  private readonly spans: Record<string, [number, number]> = {};
  private readonly marks: Record<string, number> = {};
  private gc = 0;
  private gcs = 0;
  private readonly observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      this.gc += e.duration;
      this.gcs++;
    }
  });

  constructor() {
    this.observer.observe({ entryTypes: ['gc'] });
  }

  /** The start of a span: pass it to `end`. */
  now(): number {
    return performance.now();
  }

  end(name: string, start: number): void {
    const s = (this.spans[name] ??= [0, 0]);
    s[0] += performance.now() - start;
    s[1]++;
  }

  mark(name: string): void {
    this.marks[name] ??= performance.timeOrigin + performance.now();
  }

  report(): ThreadTimesReport {
    const elu = performance.eventLoopUtilization(this.elu);
    this.observer.disconnect();
    return {
      origin: performance.timeOrigin,
      begin: this.begin,
      end: performance.now(),
      idle: elu.idle,
      gc: this.gc,
      gcs: this.gcs,
      spans: this.spans,
      marks: this.marks,
    };
  }
}

/** Several lines on stderr: one per thread, times in seconds from the main thread's origin. */
export function threadTimesLines(reports: ReadonlyArray<ThreadTimesReport | null>): string {
  const origin = reports[0]?.origin ?? 0;
  const s = (ms: number): string => (ms / 1000).toFixed(2);
  return reports
    .map((r, i) => {
      if (r === null) return `h2scope: thread ${i}: ?\n`;
      const at = (ms: number): string => s(r.origin - origin + ms);
      const spans = Object.entries(r.spans)
        .map(([k, [ms, n]]) => `${k} ${s(ms)} s/${n}`)
        .join(', ');
      const marks = Object.entries(r.marks)
        .map(([k, t]) => `${k} @${s(t - origin)}`)
        .join(', ');
      return (
        `h2scope: thread ${i}: born @${at(0)}, run @${at(r.begin)}-${at(r.end)} s, ` +
        `idle ${s(r.idle)} s, gc ${s(r.gc)} s/${r.gcs}; ${spans}; ${marks}\n`
      );
    })
    .join('');
}
