/**
 * How many decoding threads a report gets (src/cli/report-threads.ts), decided before anything decodes:
 * by the report itself, and by bin/h2scope.js's relaunch for the V8 flags of a threaded run
 * (src/cli/launch.ts).
 */
import { statSync } from 'node:fs';
import { defaultThreads, THREADS_DEFAULT_ON, THREADS_MIN_BYTES, type CliOptions } from './args.js';

/**
 * Decoding threads for this run. A file only: stdin is one stream, and live snapshots need every connection
 * on one engine. Without --threads: one, since two threads cost 1.4-2 times the CPU time on captures of
 * large payloads (docs/performance.md, "Threads"); THREADS_DEFAULT_ON turns the multi-core default on.
 */
export function threadCount(opts: CliOptions): number {
  if (opts.input === '-' || opts.snapshotInterval !== 0 || opts.threads === 1) return 1;
  // Several captures merge into one stream, and --infer-proto reads whole call records: one engine.
  if (opts.inputs.length > 1 || opts.inferProto !== null) return 1;
  let stat;
  try {
    stat = statSync(opts.input);
  } catch {
    return 1; // the reader reports what is wrong with the path
  }
  // Every thread opens the file: a named pipe can be read once.
  if (!stat.isFile()) return 1;
  const auto = THREADS_DEFAULT_ON && stat.size >= THREADS_MIN_BYTES ? defaultThreads() : 1;
  return opts.threads ?? auto;
}
