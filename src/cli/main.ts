/**
 * The h2scope executable (bin/h2scope.js imports the built copy): process I/O in, exit status out.
 * Everything else is in run.ts, which tests and scripts/gen-cli-doc.ts call in-process.
 */
import { escapeLines } from '../output/escape.js';
import { probeWasmMemory, runInteractive } from './interactive.js';
import { processIo } from './io.js';
import { runCli } from './run.js';

const io = processIo();
let code: number;
try {
  code = await runCli(process.argv.slice(2), io, {
    // The TUI (src/tui/run.tsx): runCli calls it when stdout is a terminal and no report was asked for.
    // Imported only then: ink and React stay out of report runs.
    interactive: (opts) =>
      runInteractive(opts, {
        probe: probeWasmMemory,
        load: () => import('../tui/run.js'),
        say: (line) => void process.stderr.write(`${escapeLines(line)}\n`),
      }),
  });
} catch (err) {
  // Bad input never gets here (it is a diagnostic); this is our bug: one line, the stack on request.
  const detail = process.env.H2SCOPE_DEBUG ? String((err as Error).stack ?? err) : String(err);
  process.stderr.write(
    `h2scope: internal error: ${escapeLines(detail)}\n(set H2SCOPE_DEBUG=1 for the stack; please report it)\n`,
  );
  code = 1;
}
// Exit explicitly: an abandoned read (SIGINT while a live pipe is silent) would keep the process alive.
// Writes to pipes are asynchronous on POSIX (Node "A note on process I/O"): let them drain first.
process.exitCode = code;
await Promise.all([drained(process.stdout), drained(process.stderr)]);
process.exit(code);

function drained(s: NodeJS.WriteStream): Promise<void> {
  if (s.destroyed || s.writableLength === 0) return Promise.resolve();
  return new Promise((resolve) => {
    for (const ev of ['drain', 'close', 'error']) s.once(ev, () => resolve());
    setTimeout(resolve, 2000).unref(); // a reader that never reads must not keep us here
  });
}
