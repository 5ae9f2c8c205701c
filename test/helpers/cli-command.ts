/**
 * The real h2scope command for a child process: node on src/ bundled once for this run as `npm run build`
 * bundles it (test/helpers/compile-src.ts), or, where the run did not (a config without that globalSetup),
 * src/cli/main.ts through tsx. Relative to the checkout's root, which is the tests' working directory.
 */
import { join } from 'node:path';
import { COMPILED_ENV } from './compile-src.js';

/** argv of the command: `[...CLI, file, '--format', 'ndjson']`; CLI[0] is node itself. */
export const CLI: readonly string[] = ((): string[] => {
  const compiled = process.env[COMPILED_ENV];
  if (compiled) return [process.execPath, join(compiled, 'main.js')];
  return [process.execPath, '--import', 'tsx', 'src/cli/main.ts'];
})();

/** The same as one shell word list, for a tmux pane or `bash -c`. */
export const CLI_SHELL: string = CLI.map((a) => `'${a.replaceAll("'", `'\\''`)}'`).join(' ');
