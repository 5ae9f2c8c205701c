/**
 * vitest globalSetup: src/ bundled once per run, exactly as `npm run build` bundles it for bin/h2scope.js
 * (scripts/bundle.mjs), for the tests that start the real command as a child process or in a tmux pane and
 * for the worker threads that in-process tests start (src/cli/report-threads.ts, src/tui/load-thread.ts).
 * Through tsx each such child spent 1-2 s of CPU transforming TypeScript, and each worker thread it started
 * as much again; file-by-file JavaScript still cost ~0.3 s per start in module loading, the bundle ~0.1 s.
 * Built in a fresh temporary directory, not dist/ (which may be older than src/ in a checkout) nor under
 * node_modules (which worktrees may share), and removed at the end of the run. The bundle sits two levels
 * below a copy of package.json, as in dist/bundle/, so that version.ts finds it.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bundleCli } from '../../scripts/bundle.mjs';

/** The environment variable that hands the bundle's directory to the test files (and their children). */
export const COMPILED_ENV = 'H2SCOPE_TEST_COMPILED';

export default async function setup(): Promise<() => void> {
  const root = resolve(import.meta.dirname, '../..');
  const out = mkdtempSync(join(tmpdir(), 'h2scope-test-compiled-'));
  await bundleCli(root, join(out, 'dist', 'bundle'));
  // "type": "module" for the .js files and the version for --version. No node_modules: the bundle needs
  // none (scripts/bundle.mjs), and every test that runs it checks so.
  copyFileSync(join(root, 'package.json'), join(out, 'package.json'));
  // Set before the test workers start, so every worker and every child process it spawns inherits it.
  process.env[COMPILED_ENV] = join(out, 'dist', 'bundle');
  return () => rmSync(out, { recursive: true, force: true });
}
