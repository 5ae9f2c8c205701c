/** Runs the real h2scope command in-process with captured stdout/stderr (no child process, no TTY). */
import { PassThrough, Readable } from 'node:stream';
import type { CliIo } from '../../src/cli/io.js';
import { runCli, type InteractiveRunner } from '../../src/cli/run.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  stdin?: Buffer | Readable;
  stdoutIsTTY?: boolean;
  stderrIsTTY?: boolean;
  /** Milliseconds the fake clock advances per reading (progress redraws every 100 ms). */
  tick?: number;
  interactive?: InteractiveRunner | null;
}

function capture(isTTY: boolean): {
  stream: PassThrough & { isTTY?: boolean; columns?: number };
  text: () => string;
} {
  const stream = new PassThrough() as PassThrough & { isTTY?: boolean; columns?: number };
  if (isTTY) {
    stream.isTTY = true;
    stream.columns = 120;
  }
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

export async function runCliCaptured(argv: string[], opts: RunOptions = {}): Promise<CliResult> {
  const out = capture(opts.stdoutIsTTY ?? false);
  const err = capture(opts.stderrIsTTY ?? false);
  const stdin = opts.stdin instanceof Readable ? opts.stdin : Readable.from(opts.stdin ? [opts.stdin] : []);
  let clock = 0;
  const io: CliIo = {
    stdout: out.stream,
    stderr: err.stream,
    stdin,
    onInterrupt: () => () => undefined,
    now: () => (clock += opts.tick ?? 0),
  };
  const code = await runCli(argv, io, { interactive: opts.interactive ?? null });
  await new Promise((resolve) => setImmediate(resolve));
  return { code, stdout: out.text(), stderr: err.text() };
}
