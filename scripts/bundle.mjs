#!/usr/bin/env node
/**
 * The command as users run it: src/ bundled by esbuild into a few ES modules in dist/bundle/ (bin/h2scope.js
 * imports them; `npm run build` and so `npm install` make them). Loading ~275 compiled modules one by one,
 * plus protobufjs and hpack.js as CommonJS (~60 files, each through the CJS export lexer), was about two
 * thirds of a report's CPU on a small capture: 0.36 s against 0.15 s bundled (docs/performance.md,
 * "Start-up, session 8").
 *
 * - Entry points: the CLI (main), what bin/h2scope.js decides the launch with (launch: small, so that a
 *   relaunching parent loads little), and the two worker threads' entries. The workers are started as
 *   `new URL('./report-worker.js', import.meta.url)` from whichever chunk holds their caller: every output
 *   sits in one directory under its entry's name, so that URL resolves the same as in the tsc tree.
 * - Code splitting: the TUI (our screens with ink and React, imported by `import()` only when stdout is a
 *   terminal) is a chunk of its own, so a report never loads it. ink and React are bundled in it: loaded
 *   from node_modules (ink's ~40 modules and their dependencies, each resolved and compiled apart) they
 *   cost the TUI about a third of its start-up CPU (docs/performance.md, "The Overview's counts and the
 *   bundle, session 9"). Only `react-devtools-core` stays out: ink imports it when DEV=true, and it is
 *   not installed (an optional peer of ink's).
 * - Nothing else is left to node_modules: the bundle runs wherever it is copied, and decodes the same
 *   there (test/cli/bundle-moved.test.ts). protobufjs, which src/grpc/protobufjs.ts requires on first use,
 *   is bundled into a CommonJS file of its own, protobufjs.cjs next to the chunks (the define tells that
 *   module its name): inside the shared chunk its 360 kB were parsed by every report and every thread,
 *   needed or not (~7 ms of a small report's 0.2 s of CPU).
 * - protobufjs, hpack.js and React are CommonJS: esbuild wraps them, and their `require` of Node's
 *   built-ins needs a real `require` in each output module (the banner).
 * - Source maps next to each output (bin/h2scope.js turns them on with H2SCOPE_DEBUG=1).
 * - dist/bundle/ is two levels below the package root like dist/cli/, so version.ts finds package.json.
 *
 * test/helpers/compile-src.ts calls bundleCli too: the tests' child processes run this same bundle.
 */
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** protobufjs's file in the bundle's directory (src/grpc/protobufjs.ts requires it). */
const PROTOBUFJS = 'protobufjs.cjs';

/** Bundles `<root>/src` into `outdir` (emptied first). */
export async function bundleCli(root, outdir) {
  rmSync(outdir, { recursive: true, force: true });
  await build({
    entryPoints: {
      main: join(root, 'src/cli/main.ts'),
      launch: join(root, 'src/cli/launch.ts'),
      'report-worker': join(root, 'src/cli/report-worker.ts'),
      'load-worker': join(root, 'src/tui/load-worker.ts'),
    },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    tsconfig: join(root, 'tsconfig.build.json'),
    external: ['react-devtools-core'],
    define: { H2SCOPE_PROTOBUFJS: JSON.stringify(`./${PROTOBUFJS}`) },
    banner: {
      js: "import { createRequire as __h2scopeRequire } from 'node:module'; const require = __h2scopeRequire(import.meta.url);",
    },
    sourcemap: true,
    logLevel: 'warning',
  });
  await build({
    // protobufjs with the descriptor extension (Root.fromDescriptor) it needs loaded on the same instance.
    stdin: {
      contents: "module.exports = require('protobufjs'); require('protobufjs/ext/descriptor.js');",
      resolveDir: root,
      sourcefile: 'protobufjs-bundle.cjs',
    },
    outfile: join(outdir, PROTOBUFJS),
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    sourcemap: true,
    logLevel: 'warning',
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(fileURLToPath(import.meta.url), '../..');
  await bundleCli(root, join(root, 'dist/bundle'));
}
