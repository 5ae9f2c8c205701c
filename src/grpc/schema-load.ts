/**
 * Loads user schemas for `--proto FILE` (repeatable), `--proto-path DIR` (import roots) and
 * `--descriptor-set FILE` (a serialized google.protobuf.FileDescriptorSet, e.g. from
 * `protoc --include_imports --descriptor_set_out`). This is configuration, read once at start-up: the only
 * file I/O in src/grpc. Errors come back as values for the CLI to print.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type protobuf from 'protobufjs';
import { protobufjs } from './protobufjs.js';
import { errorText } from './proto-json.js';
import { GrpcSchema } from './schema.js';

export interface SchemaConfig {
  protos: readonly string[];
  protoPaths: readonly string[];
  descriptorSets: readonly string[];
}

export type SchemaLoad = { ok: true; schema: GrpcSchema } | { ok: false; error: string };

export function loadSchema(config: SchemaConfig): SchemaLoad {
  const roots: protobuf.Root[] = [];
  if (config.protos.length > 0) {
    const r = loadProtos(config.protos, config.protoPaths);
    if (!r.ok) return r;
    roots.push(r.root);
  }
  for (const file of config.descriptorSets) {
    try {
      roots.push(protobufjs().Root.fromDescriptor(readFileSync(file)));
    } catch (e) {
      return { ok: false, error: `cannot load descriptor set ${file}: ${errorText(e)}` };
    }
  }
  return { ok: true, schema: new GrpcSchema(roots) };
}

function loadProtos(
  files: readonly string[],
  protoPaths: readonly string[],
): { ok: true; root: protobuf.Root } | { ok: false; error: string } {
  const root = new (protobufjs().Root)();
  // Like protoc: imports resolve against the import roots (then the importing file's folder, then the
  // working directory). Absolute paths make one file loaded under two names count once.
  root.resolvePath = (origin: string, target: string) => findFile(origin, target, protoPaths);
  try {
    root.loadSync([...files], { keepCase: false });
    return { ok: true, root };
  } catch (e) {
    return { ok: false, error: `cannot load .proto files: ${errorText(e)}` };
  }
}

function findFile(origin: string, target: string, protoPaths: readonly string[]): string {
  if (isAbsolute(target)) return target;
  const dirs = origin === '' ? ['.', ...protoPaths] : [...protoPaths, dirname(origin), '.'];
  for (const dir of dirs) {
    const candidate = resolve(join(dir, target));
    if (existsSync(candidate)) return candidate;
  }
  return resolve(target); // missing: loadSync reports it with this name
}
