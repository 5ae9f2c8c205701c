/**
 * protobufjs, loaded on first use: only .proto files, descriptor sets, server reflection and
 * grpc-status-details-bin trailers need it, and loading it (with the descriptor extension that gives
 * Root.fromDescriptor) cost ~20 ms of CPU in every run that needed none of them, about a seventh of a
 * report on a small capture (docs/performance.md, "Start-up, session 8").
 *
 * The bundle (scripts/bundle.mjs) carries its own copy, a CommonJS file next to its chunks whose name it
 * defines here as H2SCOPE_PROTOBUFJS. It once took protobufjs from node_modules at run time, so a bundle
 * away from node_modules (a copy of dist/, a build in a temporary directory) started, then lost every
 * packet that needed protobufjs to an internal error: on showcase 5 errors and 22 calls instead of 4 and 23
 * (test/cli/bundle-moved.test.ts). Elsewhere (tsx, vitest, the tsc tree) it comes from node_modules, the
 * one CommonJS instance that an `import` of 'protobufjs' in the tests also gets.
 */
import { createRequire } from 'node:module';
import type Protobuf from 'protobufjs';
// The descriptor extension's declarations (Root.fromDescriptor): its code is loaded below.
import type {} from 'protobufjs/ext/descriptor.js';

/** Set by the bundle only: "./protobufjs.cjs" (protobufjs and its descriptor extension in one file). */
declare const H2SCOPE_PROTOBUFJS: string | undefined;

let lib: typeof Protobuf | null = null;

export function protobufjs(): typeof Protobuf {
  if (lib === null) {
    const load = createRequire(import.meta.url);
    if (typeof H2SCOPE_PROTOBUFJS === 'string') lib = load(H2SCOPE_PROTOBUFJS) as typeof Protobuf;
    else {
      lib = load('protobufjs') as typeof Protobuf;
      load('protobufjs/ext/descriptor.js'); // Root.fromDescriptor, Type.toDescriptor (side effect on lib)
    }
  }
  return lib;
}
