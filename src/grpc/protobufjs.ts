/**
 * protobufjs, loaded on first use: only .proto files, descriptor sets, server reflection and
 * grpc-status-details-bin trailers need it, and loading it (with the descriptor extension that gives
 * Root.fromDescriptor) cost ~20 ms of CPU in every run that needed none of them, about a seventh of a
 * report on a small capture (docs/performance.md, "Start-up, session 8"). Loaded through `require`, so it
 * is the one CommonJS instance that an `import` of 'protobufjs' elsewhere (tests) also gets, and so that
 * the bundle (scripts/bundle.mjs) leaves it in node_modules rather than evaluating it at start-up.
 */
import { createRequire } from 'node:module';
import type Protobuf from 'protobufjs';
// The descriptor extension's declarations (Root.fromDescriptor): its code is loaded below.
import type {} from 'protobufjs/ext/descriptor.js';

const load = createRequire(import.meta.url);
let lib: typeof Protobuf | null = null;

export function protobufjs(): typeof Protobuf {
  if (lib === null) {
    lib = load('protobufjs') as typeof Protobuf;
    load('protobufjs/ext/descriptor.js'); // Root.fromDescriptor, Type.toDescriptor (side effect on lib)
  }
  return lib;
}
