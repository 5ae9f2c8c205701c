// grpc-js client calls that record what they sent and received, for meta.json `expect.calls`.
import * as grpc from '@grpc/grpc-js';
import { describeBytes, type MessageRecord } from './codec.js';
import { LabClient, METHOD_TYPES, labService, type MethodName } from './service.js';

export type MetadataValue = string | { bytesHex: string };

export const NO_CONNECTION = -1;

export interface CallRecord {
  /**
   * 0-based index, in capture order, of the connection that carried the call's HTTP/2 stream (counting
   * only connections that carried requests); NO_CONNECTION when the call never got a stream.
   */
  connection: number;
  method: string;
  requestMetadata?: Record<string, MetadataValue>;
  deadlineMs?: number;
  /** grpc-encoding of the request messages, when not identity. */
  requestEncoding?: string;
  /** grpc-encoding of the response messages, when the server compresses those gzip shrinks (C-core). */
  responseEncoding?: string;
  requests: MessageRecord[];
  responses: MessageRecord[];
  /** Custom (x-*) response headers as the client saw them. */
  responseHeaders?: Record<string, MetadataValue>;
  status: number;
  statusName: string;
  /** grpc-message, percent-decoded by grpc-js. */
  message: string;
  /** Custom (x-*) trailers and grpc-status-details-bin as the client saw them. */
  trailers?: Record<string, MetadataValue>;
  cancelledByClient?: boolean;
  note?: string;
}

export interface CallSpec {
  metadata?: Record<string, string | Buffer>;
  deadlineMs?: number;
  /** Queue the call until the channel connects instead of failing fast (gRPC wait-for-ready). */
  waitForReady?: boolean;
  note?: string;
}

/** One grpc-js channel, i.e. one TCP connection while it stays up. */
export class LabConnection {
  readonly client: grpc.Client;
  constructor(
    readonly port: number,
    public index: number,
    readonly log: CallRecord[],
    readonly channelOptions: grpc.ChannelOptions = {},
  ) {
    const options = { 'grpc.enable_http_proxy': 0, ...channelOptions };
    this.client = new LabClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), options);
  }

  close(): void {
    this.client.close();
  }
}

/**
 * `n` channels to one server, each its own TCP connection (grpc.use_local_subchannel_pool: grpc-js shares
 * one subchannel between channels to the same address otherwise): a client's channel pool.
 */
export function channelPool(port: number, n: number, log: CallRecord[]): LabConnection[] {
  return Array.from(
    { length: n },
    (_, i) => new LabConnection(port, i, log, { 'grpc.use_local_subchannel_pool': 1 }),
  );
}

interface Started {
  record: CallRecord;
  metadata: grpc.Metadata;
  options: grpc.CallOptions;
  path: string;
  serialize: (value: unknown) => Buffer;
  deserialize: (bytes: Buffer) => unknown;
}

function start(conn: LabConnection, method: MethodName, spec: CallSpec): Started {
  const definition = labService[method];
  if (definition === undefined) throw new Error(`Lab has no method ${method}`);
  const metadata = new grpc.Metadata();
  for (const [key, value] of Object.entries(spec.metadata ?? {})) metadata.set(key, value);
  if (spec.waitForReady) metadata.setOptions({ waitForReady: true });
  const record: CallRecord = {
    connection: conn.index,
    method: definition.path,
    requests: [],
    responses: [],
    status: -1,
    statusName: '',
    message: '',
  };
  if (spec.metadata) record.requestMetadata = recordMetadata(metadata, () => true);
  if (spec.deadlineMs !== undefined) record.deadlineMs = spec.deadlineMs;
  const algorithm = conn.channelOptions['grpc.default_compression_algorithm'];
  if (algorithm === grpc.compressionAlgorithms.gzip) record.requestEncoding = 'gzip';
  if (spec.note) record.note = spec.note;
  conn.log.push(record);
  const options: grpc.CallOptions = {};
  if (spec.deadlineMs !== undefined) options.deadline = Date.now() + spec.deadlineMs;
  // Tap the serializers so meta.json holds the exact message bytes grpc-js sent and received.
  const types = METHOD_TYPES[method];
  return {
    record,
    metadata,
    options,
    path: definition.path,
    serialize: (value: unknown) => {
      const bytes = definition.requestSerialize(value);
      record.requests.push(describeBytes(types.request, bytes));
      return bytes;
    },
    deserialize: (bytes: Buffer) => {
      record.responses.push(describeBytes(types.response, bytes));
      return definition.responseDeserialize(bytes);
    },
  };
}

function observe(call: grpc.Call, started: Started): Promise<CallRecord> {
  const { record } = started;
  call.on('metadata', (headers: grpc.Metadata) => {
    const custom = recordMetadata(headers, (key) => key.startsWith('x-'));
    if (Object.keys(custom).length > 0) record.responseHeaders = custom;
  });
  return new Promise<CallRecord>((resolve) => {
    call.on('status', (status: grpc.StatusObject) => {
      record.status = status.code;
      record.statusName = grpc.status[status.code] ?? String(status.code);
      record.message = status.details;
      const trailers = recordMetadata(
        status.metadata,
        (key) => key.startsWith('x-') || key === 'grpc-status-details-bin',
      );
      if (Object.keys(trailers).length > 0) record.trailers = trailers;
      resolve(record);
    });
  });
}

function recordMetadata(
  metadata: grpc.Metadata,
  keep: (key: string) => boolean,
): Record<string, MetadataValue> {
  const out: Record<string, MetadataValue> = {};
  for (const [key, value] of Object.entries(metadata.getMap())) {
    if (!keep(key)) continue;
    out[key] = Buffer.isBuffer(value) ? { bytesHex: value.toString('hex') } : value;
  }
  return out;
}

export function unary(conn: LabConnection, request: object, spec: CallSpec = {}): Promise<CallRecord> {
  const started = start(conn, 'Echo', spec);
  const call = conn.client.makeUnaryRequest(
    started.path,
    started.serialize,
    started.deserialize,
    request,
    started.metadata,
    started.options,
    () => undefined, // the outcome is read from 'status'; messages from the tapped deserializer
  );
  return observe(call, started);
}

export interface ServerStreamSpec extends CallSpec {
  /** call.cancel() once this many messages arrived. */
  cancelAfter?: number;
  /** Pause reading this long after each message: a slow consumer. */
  readPauseMs?: number;
}

export function serverStream(
  conn: LabConnection,
  method: 'Watch' | 'Bulk',
  request: object,
  spec: ServerStreamSpec = {},
): Promise<CallRecord> {
  const started = start(conn, method, spec);
  const call = conn.client.makeServerStreamRequest(
    started.path,
    started.serialize,
    started.deserialize,
    request,
    started.metadata,
    started.options,
  );
  let received = 0;
  call.on('data', () => {
    received++;
    if (spec.cancelAfter === received) {
      started.record.cancelledByClient = true;
      call.cancel();
    } else if (spec.readPauseMs) {
      call.pause();
      setTimeout(() => call.resume(), spec.readPauseMs);
    }
  });
  call.on('error', () => undefined); // the outcome is read from 'status'
  return observe(call, started);
}

export interface ClientStreamSpec extends CallSpec {
  /** Wait this long between request messages. */
  gapMs?: number;
}

export function clientStream(
  conn: LabConnection,
  requests: object[],
  spec: ClientStreamSpec = {},
): Promise<CallRecord> {
  const started = start(conn, 'Upload', spec);
  const call = conn.client.makeClientStreamRequest(
    started.path,
    started.serialize,
    started.deserialize,
    started.metadata,
    started.options,
    () => undefined,
  );
  const done = observe(call, started);
  void writeAll(call, requests, spec.gapMs ?? 0);
  return done;
}

/** Bidi ping-pong: each request waits for the previous reply, so frames interleave deterministically. */
export function bidi(conn: LabConnection, requests: object[], spec: CallSpec = {}): Promise<CallRecord> {
  const started = start(conn, 'Chat', spec);
  const call = conn.client.makeBidiStreamRequest(
    started.path,
    started.serialize,
    started.deserialize,
    started.metadata,
    started.options,
  );
  const done = observe(call, started);
  let next = 0;
  const sendNext = (): void => {
    const message = requests[next++];
    if (message === undefined) {
      call.end();
      return;
    }
    call.write(message);
  };
  call.on('data', () => sendNext());
  call.on('error', () => undefined);
  sendNext();
  return done;
}

async function writeAll(
  call: grpc.ClientWritableStream<unknown>,
  requests: object[],
  gapMs: number,
): Promise<void> {
  for (const [i, message] of requests.entries()) {
    if (i > 0 && gapMs) await new Promise((resolve) => setTimeout(resolve, gapMs));
    call.write(message);
  }
  call.end();
}
