/**
 * protobufjs, loaded on first use: only .proto files, descriptor sets, server reflection and
 * grpc-status-details-bin trailers need it, and loading it (with the descriptor extension that gives
 * Root.fromDescriptor) cost ~20 ms of CPU in every run that needed none of them, about a seventh of a
 * report on a small capture (docs/performance.md, "Start-up, session 8").
 *
 * In the bundle (scripts/bundle.mjs) the `require` calls below are esbuild's: protobufjs is part of the
 * bundle, and esbuild's CommonJS wrapper evaluates it here, at the first call, not at start-up. It used to
 * be required from node_modules at run time instead, so a bundle away from node_modules (a copy of dist/,
 * a build in a temporary directory) started and then lost every packet that needed it to an internal
 * error: on showcase 5 errors and 22 calls instead of 4 and 23 (test/cli/bundle-moved.test.ts). Under tsx
 * and vitest (ES modules: no `require`) it comes from node_modules, the one CommonJS instance that an
 * `import` of 'protobufjs' in the tests also gets.
 */
import { createRequire } from 'node:module';
import type Protobuf from 'protobufjs';
// The descriptor extension's declarations (Root.fromDescriptor): its code is loaded below.
import type {} from 'protobufjs/ext/descriptor.js';

let lib: typeof Protobuf | null = null;

export function protobufjs(): typeof Protobuf {
  if (lib === null) {
    // esbuild turns `typeof require` into its own always-defined `__require`: the bundle takes this branch.
    if (typeof require === 'function') {
      /* eslint-disable @typescript-eslint/no-require-imports -- literal requires, for esbuild to bundle */
      lib = require('protobufjs') as typeof Protobuf;
      require('protobufjs/ext/descriptor.js'); // Root.fromDescriptor, Type.toDescriptor (side effect on lib)
      /* eslint-enable @typescript-eslint/no-require-imports */
    } else {
      const load = createRequire(import.meta.url);
      lib = load('protobufjs') as typeof Protobuf;
      load('protobufjs/ext/descriptor.js');
    }
  }
  return lib;
}
