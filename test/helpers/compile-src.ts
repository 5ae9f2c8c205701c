/**
 * vitest globalSetup: src/ compiled once per run to plain JavaScript, for the tests that start the real
 * command as a child process or in a tmux pane. Through tsx each such child spent 1-2 s of CPU transforming
 * TypeScript, and each worker thread it started as much again; the compiled tree starts in a fraction of
 * that. esbuild transforms file by file (the same transform tsx and vitest apply, no bundling), so the
 * layout is dist/'s: the workers' entries sit next to the modules that start them, and version.ts finds
 * ../../package.json. Built in a fresh temporary directory, not dist/ (which may be older than src/ in a
 * checkout) nor under node_modules (which worktrees may share), and removed at the end of the run.
 */
import { build } from 'esbuild';
import { copyFileSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The environment variable that hands the compiled tree to the test files (and their children). */
export const COMPILED_ENV = 'H2SCOPE_TEST_COMPILED';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

export default async function setup(): Promise<() => void> {
  const root = resolve(import.meta.dirname, '../..');
  const out = mkdtempSync(join(tmpdir(), 'h2scope-test-compiled-'));
  await build({
    entryPoints: sources(join(root, 'src')),
    outdir: join(out, 'dist'),
    outbase: join(root, 'src'),
    tsconfig: join(root, 'tsconfig.build.json'),
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'error',
  });
  // "type": "module" for the .js files and the version for --version; packages from the checkout's.
  copyFileSync(join(root, 'package.json'), join(out, 'package.json'));
  symlinkSync(join(root, 'node_modules'), join(out, 'node_modules'), 'dir');
  // Set before the test workers start, so every worker and every child process it spawns inherits it.
  process.env[COMPILED_ENV] = join(out, 'dist');
  return () => rmSync(out, { recursive: true, force: true });
}
