/**
 * Builds the whole decode pipeline from user-level options: the one place that decides which observers
 * (gRPC calls, connection analysis, ...) run. The CLI, the TUI and the tests all create engines here, so
 * every consumer sees the same records.
 */
import { diag } from '../diagnostics/make.js';
import { GRPC_DIAGNOSTICS } from '../diagnostics/grpc.js';
import { grpcObserverFactory } from '../grpc/call-observer.js';
import { loadSchema } from '../grpc/schema-load.js';
import type { GrpcSchema } from '../grpc/schema.js';
import { ReflectedSchema, type ReflectedSeed } from '../grpc/reflection-schema.js';
import { readFileSync } from 'node:fs';
import { TLS_DIAGNOSTICS } from '../diagnostics/tls.js';
import { KeyLog } from '../tls/keylog.js';
import { CaptureAnalyzer } from '../analysis/capture-analyzer.js';
import { analysisObserverFactory } from '../analysis/connection-analyzer.js';
import { withCallLatency } from '../analysis/latency-observer.js';
import { Engine, type RecordSink, type ShardSpec } from './engine.js';
import type { CaptureObserver, ConnectionObserverFactory } from './observer.js';
import type { PayloadMode } from '../grpc/call-message.js';

export interface PipelineOptions {
  /** The input path, or "-" for stdin (shown in the capture record). */
  file: string;
  /** TCP ports treated as HTTP/2 without a preface (--port, --decode-as PORT=h2). */
  h2Ports?: number[];
  /**
   * --decode-as PORT=grpc: ports whose HTTP/2 streams are gRPC calls even when their content-type does not
   * say so or their request headers were not seen (also listed in h2Ports); such calls are guessed
   * ("decode-as").
   */
  grpcPorts?: number[];
  /** .proto files (--proto), import roots (--proto-path) and FileDescriptorSets (--descriptor-set). */
  protos?: string[];
  protoPaths?: string[];
  descriptorSets?: string[];
  /** NSS key log file for TLS decryption (--keylog). */
  keylog?: string | null;
  /** Per-field HPACK representation reports on header frames: only the TUI's inspector reads them. */
  hpackReports?: boolean;
  /** How much of each gRPC message the call records show (--payload; --summary shows none). */
  payload?: PayloadMode;
  /** Seconds of capture time between snapshots of open connections (RecordSink.connectionUpdate); 0: none. */
  snapshotInterval?: number;
  /**
   * One shard of a sharded run (src/engine/shard.ts): this engine decodes only its share of the
   * connections, and leaves the per-code diagnostic cap and the whole-capture analysis to the thread that
   * merges the shards (they need every connection, in order).
   */
  shard?: ShardSpec;
  /** The reflected schema a first pass learned (--reflection-first): every call may use it from the start. */
  reflection?: ReflectedSeed | null;
}

/** `schema` is null when none was asked for (no --proto, no --descriptor-set): messages decode schema-less. */
export type PipelineSchema = { ok: true; schema: GrpcSchema | null } | { ok: false; error: string };

const NO_SCHEMA: PipelineSchema = { ok: true, schema: null };
let lastSchema: { key: string; load: PipelineSchema } | null = null;

/**
 * Loads the .proto files / descriptor sets named in the options, once: the CLI calls this first to show a
 * load error (bad path, syntax error), createEngine then reuses the same result. Never throws.
 */
export function loadPipelineSchema(
  opts: Pick<PipelineOptions, 'protos' | 'protoPaths' | 'descriptorSets'>,
): PipelineSchema {
  const config = {
    protos: opts.protos ?? [],
    protoPaths: opts.protoPaths ?? [],
    descriptorSets: opts.descriptorSets ?? [],
  };
  if (config.protos.length === 0 && config.descriptorSets.length === 0) return NO_SCHEMA;
  const key = JSON.stringify(config);
  if (lastSchema?.key !== key) lastSchema = { key, load: loadSchema(config) };
  return lastSchema.load;
}

/** The --keylog file's bytes (null when none was given), or why it cannot be read. */
export type PipelineKeyLog = { ok: true; text: Buffer | null } | { ok: false; error: string };

let lastKeyLog: { path: string; load: PipelineKeyLog } | null = null;

/**
 * Reads the --keylog file once: the CLI calls this first to show an unreadable file as a usage error,
 * createEngine then reuses the bytes. Each engine parses them into its own KeyLog, because pcapng secrets
 * blocks add to it. Never throws.
 */
export function loadPipelineKeyLog(opts: Pick<PipelineOptions, 'keylog'>): PipelineKeyLog {
  const path = opts.keylog;
  if (path === undefined || path === null || path === '') return { ok: true, text: null };
  if (lastKeyLog?.path !== path) {
    let load: PipelineKeyLog;
    try {
      load = { ok: true, text: readFileSync(path) };
    } catch (err) {
      load = { ok: false, error: err instanceof Error ? err.message : String(err) };
    }
    lastKeyLog = { path, load };
  }
  return lastKeyLog.load;
}

function pipelineKeyLog(opts: PipelineOptions, sink: RecordSink): KeyLog {
  const keyLog = new KeyLog();
  const load = loadPipelineKeyLog(opts);
  const path = opts.keylog ?? '';
  if (!load.ok) sink.diagnostic(diag(TLS_DIAGNOSTICS, 'tls.keylog-unreadable', { path, error: load.error }));
  else if (load.text !== null) for (const d of keyLog.addText(load.text, path)) sink.diagnostic(d);
  return keyLog;
}

/**
 * `reflection`, when given, receives the engine's reflected schema (the --reflection-first pass reads its
 * seed at the end).
 */
export function createEngine(
  opts: PipelineOptions,
  sink: RecordSink,
  reflected?: (schema: ReflectedSchema) => void,
): Engine {
  const schema = loadPipelineSchema(opts);
  // A schema that does not load is reported, and decoding goes on schema-less.
  if (!schema.ok) sink.diagnostic(diag(GRPC_DIAGNOSTICS, 'grpc.schema-load-failed', { error: schema.error }));
  // Schemas the capture carries (server reflection responses), shared by every connection.
  const reflection = new ReflectedSchema(opts.reflection);
  reflected?.(reflection);
  // Chain order matters: the analysis reads the calls the gRPC observer produces.
  const observers: ConnectionObserverFactory[] = [
    // Wrapped: each call leaves the gRPC observer with its latency breakdown (src/analysis/latency-observer.ts).
    withCallLatency(
      grpcObserverFactory(schema.ok ? schema.schema : null, {
        grpcPorts: opts.grpcPorts ?? [],
        payload: opts.payload ?? 'full',
        reflection,
      }),
    ),
    analysisObserverFactory(),
  ];
  const shard = opts.shard;
  // A shard's capture-wide analysis runs where the shards merge (src/engine/shard.ts); the reflected
  // schema stays per engine: a shard learns it only from its own connections' reflection calls.
  const captureObservers: CaptureObserver[] = shard ? [reflection] : [new CaptureAnalyzer(), reflection];
  const keyLog = pipelineKeyLog(opts, sink);
  return new Engine(
    {
      file: opts.file,
      h2Ports: new Set(opts.h2Ports ?? []),
      hpackReports: opts.hpackReports ?? false,
      observers,
      captureObservers,
      keyLog,
      snapshotInterval: opts.snapshotInterval ?? 0,
      ...(shard ? { shard, maxDiagnosticsPerCode: Infinity } : {}),
    },
    sink,
  );
}
