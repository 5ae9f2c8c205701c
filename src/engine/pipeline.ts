/**
 * Builds the whole decode pipeline from user-level options: the one place that decides which observers
 * (gRPC calls, connection analysis, ...) run. The CLI, the TUI and the tests all create engines here, so
 * every consumer sees the same records.
 */
import { Engine, type RecordSink } from './engine.js';
import type { CaptureObserver, ConnectionObserverFactory } from './observer.js';

export interface PipelineOptions {
  /** The input path, or "-" for stdin (shown in the capture record). */
  file: string;
  /** TCP ports treated as HTTP/2 without a preface (--port, --decode-as PORT=h2). */
  h2Ports?: number[];
  /** .proto files (--proto), import roots (--proto-path) and FileDescriptorSets (--descriptor-set). */
  protos?: string[];
  protoPaths?: string[];
  descriptorSets?: string[];
  /** NSS key log file for TLS decryption (--keylog). */
  keylog?: string | null;
}

export function createEngine(opts: PipelineOptions, sink: RecordSink): Engine {
  const observers: ConnectionObserverFactory[] = [];
  const captureObservers: CaptureObserver[] = [];
  return new Engine(
    { file: opts.file, h2Ports: new Set(opts.h2Ports ?? []), observers, captureObservers },
    sink,
  );
}
