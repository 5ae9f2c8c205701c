#!/usr/bin/env node
// The development reconciler of React is several times slower; the TUI always runs in production mode.
process.env.NODE_ENV ??= 'production';
// Reports run with a large young generation, the TUI with V8's default (src/cli/launch.ts says why):
// a report re-executes node with the flag, unless this node already has one.
const launch = await import('../dist/cli/launch.js');
const argv = process.argv.slice(2);
if (launch.wantsReportHeap(argv, process.stdout.isTTY === true)) {
  const { fileURLToPath } = await import('node:url');
  process.exitCode = await launch.relaunchForReport(fileURLToPath(import.meta.url), argv);
} else {
  await import('../dist/cli/main.js');
}
