/**
 * Where a report's CPU time goes, per thread, for `H2SCOPE_THREAD_CPU=1` (scripts/bench/shapes.ts and
 * docs/performance.md, "Threads"): process-wide figures (/usr/bin/time, process.cpuUsage) cannot tell the
 * decoding threads' work from the merging thread's and from V8's own helper threads (parallel scavenges,
 * concurrent marking, compilation), and the question of `--threads` is which of them grows.
 */
import { readFileSync } from 'node:fs';

/** Linux reports thread times in clock ticks; USER_HZ is 100 on every architecture Node runs on. */
const TICKS_PER_SECOND = 100;

/** User + system CPU seconds of the calling thread (/proc/thread-self/stat), or null where there is none. */
export function threadCpuSeconds(): number | null {
  let stat: string;
  try {
    stat = readFileSync('/proc/thread-self/stat', 'utf8');
  } catch {
    return null;
  }
  // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** Whether the run was asked to report its threads' CPU time on standard error. */
export function threadCpuWanted(env: NodeJS.ProcessEnv = process.env): boolean {
  return (env.H2SCOPE_THREAD_CPU ?? '') !== '';
}

/**
 * One line: this thread (the one that merges, or decodes everything with one thread), each decoding
 * thread, and the rest of the process (V8's helper threads and libuv's file reads): the process total
 * less the threads named.
 */
export function threadCpuLine(main: number | null, workers: ReadonlyArray<number | null>): string {
  const usage = process.cpuUsage();
  const total = (usage.user + usage.system) / 1e6;
  const s = (n: number | null): string => (n === null ? '?' : `${n.toFixed(2)} s`);
  const named = [main, ...workers].reduce<number>((sum, n) => sum + (n ?? 0), 0);
  const decoding = workers.length > 0 ? `, decoding threads ${workers.map(s).join(' / ')}` : '';
  return (
    `h2scope: thread CPU: total ${s(total)}, ${workers.length > 0 ? 'merging' : 'main'} thread ${s(main)}` +
    `${decoding}, rest (V8 helper threads, file reads) ${s(total - named)}\n`
  );
}
