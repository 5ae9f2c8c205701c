/**
 * The V8 heap each kind of run gets, decided by bin/h2scope.js before anything heavy loads. Reports decode
 * about 1 GB/s of short-lived objects: a young generation of 2 x 64 MiB (`--max-semi-space-size=64`)
 * instead of V8's 2 x 16 MiB means fewer scavenges, each promoting less, and made a 300 MB capture ~10 %
 * faster for ~140 MiB of resident memory. The TUI keeps V8's default: it holds a whole capture's index for
 * as long as it is open, its UI thread allocates little, and the large young generation cost it 100-190
 * MiB of RSS on a 1M-frame capture (docs/performance.md, "TUI memory"). A semi-space size is fixed when the
 * isolate starts (`v8.setFlagsFromString` afterwards leaves the young generation as it is), so a report run
 * re-executes node with the flag; the parent only waits. That second node costs ~0.06 s of CPU, and on
 * captures of a few MB the flag gains nothing measurable, so files smaller than REPORT_HEAP_MIN_BYTES in all
 * are decoded in the first process (docs/performance.md, "Start-up, session 8").
 */
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { parseCliArgs, type CliOptions } from './args.js';
import { threadCount } from './thread-count.js';

/** The TUI: stdout is a terminal and nothing asked for a report (a format, a summary, a file to write). */
export function wantsInteractive(opts: CliOptions, stdoutIsTTY: boolean): boolean {
  const report =
    opts.format !== null ||
    opts.summary ||
    opts.writePcap !== null ||
    opts.output !== null ||
    opts.inferProto !== null;
  // The TUI reads one capture; several merged make a text report.
  return !report && opts.inputs.length === 1 && stdoutIsTTY;
}

/** Node options of a report run. */
export const REPORT_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64'];

/**
 * Below this many bytes of input files in all, a report stays in the first process. On a 7.6 MB capture
 * (200k frames) the large young generation changed CPU by -2 % (ndjson) and +2.5 % (--summary), within the
 * noise, against ~0.06 s for the second node; its gain is on long captures (10 % at 300 MB).
 */
export const REPORT_HEAP_MIN_BYTES = 32 * 1024 * 1024;

/**
 * True when every input is a regular file and together they are smaller than REPORT_HEAP_MIN_BYTES.
 * Standard input, a pipe or anything that cannot be stat'ed may be long (a live capture): not small.
 */
export function smallInputs(paths: readonly string[]): boolean {
  let total = 0;
  for (const path of paths) {
    if (path === '-') return false;
    try {
      const st = statSync(path);
      if (!st.isFile()) return false;
      total += st.size;
    } catch {
      return false; // the report says what is wrong with it, in whichever process
    }
  }
  return total < REPORT_HEAP_MIN_BYTES;
}

/**
 * Node options of a report on several threads (`--threads`, src/cli/report-threads.ts), besides
 * REPORT_NODE_FLAGS. `--single-threaded-gc`: each isolate collects its garbage on its own thread rather
 * than with V8's helper threads. With every core already decoding, parallel scavenges and concurrent
 * marking of two isolates only add CPU (2-3 s of CPU on a 300 MB capture's ndjson; docs/performance.md,
 * "Threads, session 8"); one thread keeps them, as they use the cores it leaves idle.
 */
export const THREADED_NODE_FLAGS: readonly string[] = ['--single-threaded-gc'];

/** The node options a report with these arguments is re-executed with (see relaunchForReport). */
export function reportNodeFlags(argv: readonly string[]): string[] {
  const parsed = parseCliArgs([...argv]);
  const threaded = parsed.kind === 'run' && threadCount(parsed.options) > 1;
  return threaded ? [...REPORT_NODE_FLAGS, ...THREADED_NODE_FLAGS] : [...REPORT_NODE_FLAGS];
}

/** Set in the re-executed process: it must not re-execute again. */
const RELAUNCHED = 'H2SCOPE_REPORT_HEAP';

/**
 * True when these arguments make a report (or a diff) of inputs that are not all small files, and the
 * process was not started with a young generation size of its own (node flags, NODE_OPTIONS, or this
 * relaunch).
 */
export function wantsReportHeap(
  argv: readonly string[],
  stdoutIsTTY: boolean,
  execArgv: readonly string[] = process.execArgv,
  env: NodeJS.ProcessEnv = process.env,
  small: (paths: readonly string[]) => boolean = smallInputs,
): boolean {
  if (env[RELAUNCHED] !== undefined) return false;
  const own = (s: string): boolean => /--max-semi-space-size\b|--semi-space-growth-factor\b/.test(s);
  if (execArgv.some(own) || own(env.NODE_OPTIONS ?? '')) return false;
  const parsed = parseCliArgs([...argv]);
  if (parsed.kind === 'diff') return !small([...parsed.options.before, ...parsed.options.after]);
  if (parsed.kind !== 'run') return false; // help, version, usage errors: nothing to decode
  return !wantsInteractive(parsed.options, stdoutIsTTY) && !small(parsed.options.inputs);
}

/**
 * Runs `script` again under node with reportNodeFlags, the same arguments and standard streams; resolves
 * with its exit status. SIGTERM and SIGHUP are passed on. SIGINT is not: Ctrl-C reaches the whole
 * foreground process group, so the report already gets it once, and a second one would end it without
 * its summary (src/cli/io.ts).
 */
export function relaunchForReport(script: string, argv: readonly string[]): Promise<number> {
  const flags = reportNodeFlags(argv);
  const child = spawn(process.execPath, [...process.execArgv, ...flags, script, ...argv], {
    stdio: 'inherit',
    env: { ...process.env, [RELAUNCHED]: '1' },
  });
  const forward = (signal: NodeJS.Signals) => (): void => void child.kill(signal);
  const handlers: Array<[NodeJS.Signals, () => void]> = [
    ['SIGINT', () => undefined],
    ['SIGTERM', forward('SIGTERM')],
    ['SIGHUP', forward('SIGHUP')],
  ];
  for (const [signal, handler] of handlers) process.on(signal, handler);
  return new Promise((resolve) => {
    child.on('error', (err) => {
      process.stderr.write(`h2scope: cannot start node for the report: ${err.message}\n`);
      resolve(1);
    });
    child.on('exit', (code, signal) => {
      for (const [s, handler] of handlers) process.off(s, handler);
      // Ended by a signal: end the same way, so the shell sees what it would have without this parent.
      if (signal) process.kill(process.pid, signal);
      resolve(code ?? 1);
    });
  });
}
