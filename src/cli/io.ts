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
      // The first Ctrl-C stops reading; the listener goes at once, so SIGINT is back to its default action
      // and a second Ctrl-C ends the process there and then, even while JavaScript is busy writing the
      // report (a listener would wait for the event loop). Nothing is left behind: the spool files are
      // unlinked as soon as they are opened (src/output/text-spool.ts, src/cli/spool.ts).
      const onSigint = (): void => {
        process.off('SIGINT', onSigint);
        handler();
      };
      process.on('SIGINT', onSigint);
      return () => process.off('SIGINT', onSigint);
    },
    now: () => performance.now(),
  };
}
