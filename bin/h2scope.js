#!/usr/bin/env node
// The development reconciler of React is several times slower; the TUI always runs in production mode.
process.env.NODE_ENV ??= 'production';
// dist/bundle/ is src/ bundled by esbuild (scripts/bundle.mjs): a few modules to load instead of hundreds.
// Its source maps name src/ lines in the stack that H2SCOPE_DEBUG=1 prints.
if (process.env.H2SCOPE_DEBUG) process.setSourceMapsEnabled(true);
// Reports of long inputs run with a large young generation, the TUI with V8's default (src/cli/launch.ts
// says why): such a report re-executes node with the flag, unless this node already has one.
const launch = await import('../dist/bundle/launch.js');
const argv = process.argv.slice(2);
if (launch.wantsReportHeap(argv, process.stdout.isTTY === true)) {
  const { fileURLToPath } = await import('node:url');
  process.exitCode = await launch.relaunchForReport(fileURLToPath(import.meta.url), argv);
} else {
  await import('../dist/bundle/main.js');
}
