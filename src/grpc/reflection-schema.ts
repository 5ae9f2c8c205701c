/**
 * A schema learned from the capture itself: the FileDescriptorProtos that gRPC server reflection
 * (grpc.reflection.v1 / v1alpha ServerReflectionInfo, what grpcurl and Postman ask) sends back. One per
 * capture, shared by every connection's call tracker; it grows as reflection responses complete.
 *
 * Decoding is one pass, in capture order, so a call uses the reflected schema only when its request
 * headers come after the response that taught it (the method is resolved there, like --descriptor-set's).
 * Earlier calls stay schema-less: a whole-capture diagnostic at the end counts them and names their
 * methods, and every call decoded with the reflected schema says so (`schemaSource: "reflection"`).
 * A --proto / --descriptor-set schema wins: the reflected one only resolves methods it does not have.
 */
import type protobuf from 'protobufjs';
import { protobufjs } from './protobufjs.js';
import { diag } from '../diagnostics/make.js';
import { GRPC_DIAGNOSTICS } from '../diagnostics/grpc.js';
import type { Diagnostic, DiagnosticWhere } from '../diagnostics/types.js';
import type { CaptureObserver } from '../engine/observer.js';
import type { CallRecord } from '../records/call.js';
import { decompressMessage, type DecompressionBudget } from './compression.js';
import { errorText } from './proto-json.js';
import {
  REFLECTION_METHODS,
  decodeReflectionResponse,
  fileDescriptorName,
  fileDescriptorSet,
} from './reflection-response.js';
import { GrpcSchema, type MethodInfo } from './schema.js';

/**
 * What a first pass over a file learned (--reflection-first): the files in the order they came, and the
 * capture time the schema first built. Plain data: it goes to decoding threads as it is.
 */
export interface ReflectedSeed {
  files: Array<{ name: string; bytes: Uint8Array }>;
  readyAt: number;
}

/** Calls named in grpc.reflection-schema-first-pass (the count covers all). */
const MAX_CALLS_NAMED = 10;

/** Distinct methods counted for the end-of-capture report (a capture controls how many there are). */
const MAX_METHODS_COUNTED = 10_000;
/** FileDescriptorProtos kept (the schema is rebuilt from all of them at each new one). */
export const MAX_REFLECTED_FILES = 1000;
export const MAX_REFLECTED_BYTES = 16 * 1024 * 1024;

export class ReflectedSchema implements CaptureObserver {
  /** Every distinct FileDescriptorProto seen, by file name; the first copy of a name wins. */
  private readonly files = new Map<string, Uint8Array>();
  private current: GrpcSchema | null = null;
  private lastError: string | null = null;
  private bytes = 0;
  private capped = false;
  /** Calls that ended without the reflected schema, by :path (checked against the final schema). */
  private readonly without = new Map<string, number>();
  /** Capture time the schema first built (null: not yet). */
  private readyAt: number | null = null;
  /** A second pass: the schema came from a first one, from the start of the capture. */
  private readonly seeded: boolean;
  /** With a seed: calls decoded with it that started before the response that carried it. */
  private early = 0;
  private readonly earlyNamed: string[] = [];
  /** With a seed: files whose response this pass has seen (grpc.schema-from-reflection is raised there). */
  private readonly announced = new Set<string>();

  /** With `seed` (from a first pass's `seed()`), every call resolves with the final schema from the start. */
  constructor(seed?: ReflectedSeed | null) {
    this.seeded = false;
    if (!seed || seed.files.length === 0) return;
    for (const f of seed.files) {
      this.files.set(f.name, Uint8Array.from(f.bytes));
      this.bytes += f.bytes.length;
    }
    try {
      const root = protobufjs().Root.fromDescriptor(fileDescriptorSet([...this.files.values()]));
      root.resolveAll();
      this.current = new GrpcSchema([root]);
      this.readyAt = seed.readyAt;
      this.seeded = true;
    } catch {
      // It built in the first pass from the same bytes; if not, this pass learns as usual.
      this.files.clear();
      this.bytes = 0;
    }
  }

  /** What this pass learned, for a second pass; null when no schema was built. */
  seed(): ReflectedSeed | null {
    if (this.current === null || this.readyAt === null) return null;
    return { files: [...this.files].map(([name, bytes]) => ({ name, bytes })), readyAt: this.readyAt };
  }

  /** The schema built from every file so far; null before the first usable reflection response. */
  get schema(): GrpcSchema | null {
    return this.current;
  }

  /** Resolves a :path with the schema learned so far. */
  resolve(path: string): MethodInfo | null {
    return this.current?.resolveMethod(path) ?? null;
  }

  /** True for the :path of a reflection call, whose response messages go to learn(). */
  static isReflection(path: string | null): boolean {
    return path !== null && REFLECTION_METHODS.has(path);
  }

  /**
   * The bytes of a reflection response message to learn from: as sent, or inflated per its grpc-encoding
   * (servers that compress every response, such as grpcio created with compression=Gzip, compress these
   * too); null when it does not inflate or the capture's decompression budget is spent.
   */
  static messageBytes(
    bytes: Buffer,
    compressed: boolean,
    encoding: string | null,
    budget: DecompressionBudget,
  ): Buffer | null {
    if (!compressed) return bytes;
    const inflated = decompressMessage(bytes, true, encoding, { budget });
    return inflated.decompressed ? inflated.bytes : null;
  }

  /** One (decompressed) response message of a reflection call; diagnostics when the schema changed. */
  learn(bytes: Uint8Array, method: string, where: DiagnosticWhere): Diagnostic[] {
    const response = decodeReflectionResponse(bytes);
    const added: string[] = [];
    const seen: string[] = [];
    const out: Diagnostic[] = [];
    for (const file of response.files) {
      const name = fileDescriptorName(file) ?? `(unnamed file ${this.files.size + 1})`;
      if (this.files.has(name)) {
        if (this.seeded && !this.announced.has(name)) seen.push(name);
        this.announced.add(name);
        continue;
      }
      if (this.files.size >= MAX_REFLECTED_FILES || this.bytes + file.length > MAX_REFLECTED_BYTES) {
        if (!this.capped) {
          const error = `over the cap of ${MAX_REFLECTED_FILES} files or ${MAX_REFLECTED_BYTES} bytes: later files ignored`;
          out.push(
            diag(GRPC_DIAGNOSTICS, 'grpc.reflection-schema-unusable', { method, files: name, error }, where),
          );
        }
        this.capped = true;
        continue;
      }
      this.bytes += file.length;
      this.files.set(name, Uint8Array.from(file)); // a copy: the message's buffer is the reader's
      added.push(name);
    }
    // A second pass knows the files already: it still says where they came from, at the same response.
    if (added.length === 0 && seen.length > 0 && this.current !== null)
      return [...out, this.learned(method, describeFiles(seen), where)];
    if (added.length === 0) return out;
    const files = describeFiles(added);
    let root: protobuf.Root;
    try {
      root = protobufjs().Root.fromDescriptor(fileDescriptorSet([...this.files.values()]));
      root.resolveAll();
    } catch (e) {
      // Often a dependency still to come (file_by_filename follows): reported once per distinct reason.
      const error = errorText(e);
      if (error === this.lastError) return out;
      this.lastError = error;
      return [
        ...out,
        diag(GRPC_DIAGNOSTICS, 'grpc.reflection-schema-unusable', { method, files, error }, where),
      ];
    }
    this.current = new GrpcSchema([root]);
    this.readyAt ??= where.time ?? null;
    return [...out, this.learned(method, files, where)];
  }

  private learned(method: string, files: string, where: DiagnosticWhere): Diagnostic {
    const services = [...new Set(this.current!.methods().map((m) => m.service))];
    const named = services.length === 0 ? 'no services yet' : `services ${services.join(', ')}`;
    return diag(GRPC_DIAGNOSTICS, 'grpc.schema-from-reflection', { method, files, services: named }, where);
  }

  connection(): Diagnostic[] {
    return [];
  }

  call(call: CallRecord): Diagnostic[] {
    if (
      this.seeded &&
      call.schemaSource === 'reflection' &&
      this.readyAt !== null &&
      call.start < this.readyAt
    ) {
      this.early++;
      if (this.earlyNamed.length < MAX_CALLS_NAMED)
        this.earlyNamed.push(`${call.connection} stream ${call.stream} ${call.method ?? ''}`.trimEnd());
    }
    if (call.schemaSource === 'reflection' || call.method === null) return [];
    if (REFLECTION_METHODS.has(call.method)) return [];
    const n = this.without.get(call.method);
    if (n !== undefined) this.without.set(call.method, n + 1);
    else if (this.without.size < MAX_METHODS_COUNTED) this.without.set(call.method, 1);
    return [];
  }

  finish(): Diagnostic[] {
    const schema = this.current;
    if (schema === null) return [];
    if (this.seeded && this.early > 0) {
      const more = this.early - this.earlyNamed.length;
      const calls = this.earlyNamed.join(', ') + (more > 0 ? `, +${more} more` : '');
      const files = describeFiles([...this.files.keys()]);
      return [
        diag(GRPC_DIAGNOSTICS, 'grpc.reflection-schema-first-pass', { count: this.early, calls, files }),
      ];
    }
    let count = 0;
    const methods: string[] = [];
    for (const [path, n] of this.without) {
      if (schema.resolveMethod(path) === null) continue;
      count += n;
      methods.push(path);
    }
    if (count === 0) return [];
    const shown =
      methods.slice(0, 5).join(', ') + (methods.length > 5 ? `, +${methods.length - 5} more` : '');
    return [diag(GRPC_DIAGNOSTICS, 'grpc.reflection-schema-late', { count, methods: shown })];
  }
}

function describeFiles(names: string[]): string {
  const what = names.length === 1 ? '1 FileDescriptorProto' : `${names.length} FileDescriptorProtos`;
  return `${what} (${names.join(', ')})`;
}
