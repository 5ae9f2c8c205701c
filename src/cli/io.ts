/**
 * The process I/O the CLI uses, behind one interface so tests and scripts/gen-cli-doc.ts can run the
 * real command in-process with their own streams. Only src/cli/main.ts builds the real one.
 */
import type { Readable, Writable } from 'node:stream';

export type TtyWritable = Writable & { isTTY?: boolean; columns?: number };

export interface CliIo {
  stdout: TtyWritable;
  stderr: TtyWritable;
  stdin: Readable;
  /** Calls `handler` on SIGINT until the returned function is called. */
  onInterrupt(handler: () => void): () => void;
  /** Milliseconds from a monotonic clock (progress rate and redraw throttling). */
  now(): number;
}

export function processIo(): CliIo {
  // Progress and error lines on a closed stderr must not crash the command.
  process.stderr.on('error', () => undefined);
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    onInterrupt(handler) {
      let count = 0;
      // A second Ctrl-C means "now": exit without the report (130 = 128 + SIGINT, the shell convention).
      const onSigint = (): void => (++count > 1 ? process.exit(130) : handler());
      process.on('SIGINT', onSigint);
      return () => process.off('SIGINT', onSigint);
    },
    now: () => performance.now(),
  };
}
