/**
 * The bundle (scripts/bundle.mjs, dist/bundle/) decodes the same wherever it sits. It once required
 * protobufjs at run time from node_modules next to it, on first use only: a bundle away from node_modules
 * (a copy of dist/, a build in a temporary directory) started, then lost every packet that needed protobufjs
 * (grpc-status-details-bin, server reflection) to an "internal error". On showcase the TUI's Overview read
 * 5 errors and 22 calls instead of 4 and 23 — first seen when ink and React were bundled too
 * (docs/performance.md, "Start-up, session 8"), which is what let such a copy start the TUI at all.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CaptureStore } from '../../src/model/store.js';
import { captureLines } from '../../src/tui/OverviewScreen.js';
import { loadInThread } from '../../src/tui/load-thread.js';
import { COMPILED_ENV } from '../helpers/compile-src.js';
import { loadStore, SAMPLES } from '../tui/load-store.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const compiled = process.env[COMPILED_ENV];

/** A copy of the run's bundle under a fresh temporary directory, with package.json and no node_modules. */
function movedBundle(): { dir: string; bundle: string } {
  const dir = mkdtempSync(join(tmpdir(), 'h2scope-moved-'));
  const bundle = join(dir, 'dist', 'bundle');
  mkdirSync(bundle, { recursive: true });
  cpSync(compiled!, bundle, { recursive: true });
  copyFileSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
  return { dir, bundle };
}

/** Whether node finds `name` from a module in `dir` (a node_modules above the temporary directory would). */
function resolvable(dir: string, name: string): boolean {
  try {
    createRequire(join(dir, 'x.js')).resolve(name);
    return true;
  } catch {
    return false;
  }
}

const moved = compiled ? movedBundle() : null;
const meaningful = moved !== null && !resolvable(moved.bundle, 'protobufjs');
afterAll(() => {
  if (moved) rmSync(moved.dir, { recursive: true, force: true });
});

const run = (bundle: string, args: string[]): string =>
  execFileSync(process.execPath, [join(bundle, 'main.js'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NODE_ENV: 'production' },
    maxBuffer: 64 << 20,
  });

/** The Overview's first lines as text: capture facts, diagnostics by severity, calls and failures. */
const overview = (store: CaptureStore): string[] =>
  captureLines(store).map((l) => l.map((s) => s.text).join(''));

describe.skipIf(!compiled)('what the bundle imports', () => {
  it("nothing but Node's built-ins (and react-devtools-core, which ink imports only when DEV=true)", () => {
    const imported = new Set<string>();
    for (const file of readdirSync(compiled!).filter((f) => /\.c?js$/.test(f))) {
      const code = readFileSync(join(compiled!, file), 'utf8');
      for (const m of code.matchAll(/(?:\bfrom |\bimport |\bimport\(|\brequire\()"([\w@.][\w@./:-]*)"/g))
        imported.add(m[1]!);
    }
    const packages = [...imported].filter((s) => !s.startsWith('./') && !isBuiltin(s));
    expect(packages).toEqual(['react-devtools-core']);
  });
});

describe.skipIf(!meaningful)('the bundle away from node_modules', () => {
  // showcase: a status with grpc-status-details-bin; grpc-reflection: the schema from server reflection.
  for (const sample of ['showcase.pcapng', 'grpc-reflection.pcap']) {
    it(`${sample}: json and --summary as the bundle in place gives them`, () => {
      const json = (bundle: string): string => run(bundle, [`samples/${sample}`, '--format', 'json']);
      const [here, there] = [json(compiled!), json(moved!.bundle)];
      // The diagnostics first (a readable difference), then every byte.
      const diagnostics = (out: string): unknown =>
        (JSON.parse(out) as { diagnostics: Array<{ code: string; message: string }> }).diagnostics.map(
          (d) => `${d.code}: ${d.message}`,
        );
      expect(diagnostics(there)).toEqual(diagnostics(here));
      expect(there === here).toBe(true);
      expect(here).not.toContain('engine.internal-error');
      const summary = (bundle: string): string => run(bundle, [`samples/${sample}`, '--summary']);
      expect(summary(moved!.bundle)).toBe(summary(compiled!));
    });
  }

  it("the TUI's decoding thread: showcase's Overview counts as decoded here (4 errors, 23 calls)", async () => {
    const sample = 'showcase.pcapng';
    const direct = await loadStore(sample);
    const store = new CaptureStore({ throttleMs: 0 });
    // load-thread.ts starts the worker from the bundle this variable names (read when loading starts).
    process.env[COMPILED_ENV] = moved!.bundle;
    try {
      const load = loadInThread(store, {
        input: SAMPLES + sample,
        pipeline: { file: `samples/${sample}` },
        now: () => performance.now(),
      });
      await load.done;
    } finally {
      process.env[COMPILED_ENV] = compiled;
    }
    const lines = overview(store);
    expect(lines[1]).toContain('4 errors · 6 warnings · 2 info    Calls 23 · 4 failed');
    expect(lines).toEqual(overview(direct));
    store.close();
    direct.close();
  });
});
