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
import protobuf from 'protobufjs';
import 'protobufjs/ext/descriptor.js';
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
    const out: Diagnostic[] = [];
    for (const file of response.files) {
      const name = fileDescriptorName(file) ?? `(unnamed file ${this.files.size + 1})`;
      if (this.files.has(name)) continue;
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
    if (added.length === 0) return out;
    const files = describeFiles(added);
    let root: protobuf.Root;
    try {
      root = protobuf.Root.fromDescriptor(fileDescriptorSet([...this.files.values()]));
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
    const services = [...new Set(this.current.methods().map((m) => m.service))];
    const named = services.length === 0 ? 'no services yet' : `services ${services.join(', ')}`;
    return [
      ...out,
      diag(GRPC_DIAGNOSTICS, 'grpc.schema-from-reflection', { method, files, services: named }, where),
    ];
  }

  connection(): Diagnostic[] {
    return [];
  }

  call(call: CallRecord): Diagnostic[] {
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
