// A grpc-js implementation of scope.v1.Lab, shared by the node scenarios.
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import * as grpc from '@grpc/grpc-js';
import {
  bulkData,
  labService,
  type BulkChunk,
  type BulkRequest,
  type ChatMessage,
  type Chunk,
  type EchoReply,
  type EchoRequest,
  type Event,
  type Mood,
  type UploadSummary,
  type WatchRequest,
} from './service.js';

export interface LabServerOptions {
  port: number;
  /** Written into EchoReply.served_by and the x-served-by response header. */
  name?: string;
  channelOptions?: grpc.ChannelOptions;
  /** Extra trailers for a failing Echo (e.g. grpc-status-details-bin). */
  errorTrailers?: (request: EchoRequest) => grpc.Metadata | undefined;
  /** Adds more services before the server binds (e.g. @grpc/reflection's). */
  addServices?: (server: grpc.Server) => void;
}

const MOODS: Mood[] = ['MOOD_UNSPECIFIED', 'MOOD_CALM', 'MOOD_BUSY', 'MOOD_ANGRY'];

export async function startLabServer(options: LabServerOptions): Promise<grpc.Server> {
  const server = new grpc.Server(options.channelOptions);
  server.addService(labService, labImplementation(options));
  options.addServices?.(server);
  await new Promise<void>((resolve, reject) => {
    server.bindAsync(`127.0.0.1:${options.port}`, grpc.ServerCredentials.createInsecure(), (error) =>
      error ? reject(error) : resolve(),
    );
  });
  return server;
}

export function stopLabServer(server: grpc.Server): Promise<void> {
  return new Promise((resolve) => server.tryShutdown(() => resolve()));
}

export function labImplementation(options: LabServerOptions): grpc.UntypedServiceImplementation {
  const name = options.name ?? 'grpc-js';
  let sequence = 0;

  const echo: grpc.handleUnaryCall<EchoRequest, EchoReply> = async (call, callback) => {
    const request = call.request;
    sequence++;
    if (request.sleep_ms) await sleep(request.sleep_ms);
    if (call.cancelled) return;
    if (request.fail_with) {
      // No sendMetadata before the error: grpc-js then answers trailers-only (PROTOCOL-HTTP2.md).
      const metadata = options.errorTrailers?.(request);
      callback({ code: request.fail_with, details: request.fail_message ?? '', ...(metadata && { metadata }) });
      return;
    }
    const headers = new grpc.Metadata();
    headers.set('x-served-by', name);
    call.sendMetadata(headers);
    const trailers = new grpc.Metadata();
    trailers.set('x-call-seq', String(sequence));
    const blob = call.metadata.get('x-blob-bin')[0];
    if (Buffer.isBuffer(blob)) trailers.set('x-reply-bin', Buffer.from(blob).reverse());
    callback(null, echoReply(request, name, sequence), trailers);
  };

  const watch: grpc.handleServerStreamingCall<WatchRequest, Event> = async (call) => {
    const { topic = '', count = 0, interval_ms = 0, fail_after = 0, fail_with = 0 } = call.request;
    for (let i = 1; i <= count; i++) {
      if (call.cancelled) return;
      if (fail_after && i > fail_after) {
        call.emit('error', { code: fail_with, details: `failed after ${fail_after} events` });
        return;
      }
      await writeMessage(call, watchEvent(topic, i));
      if (interval_ms && i < count) await sleep(interval_ms);
    }
    if (!call.cancelled) call.end();
  };

  const upload: grpc.handleClientStreamingCall<Chunk, UploadSummary> = (call, callback) => {
    const sizes: number[] = [];
    let checksum = 0;
    call.on('data', (chunk: Chunk) => {
      const data = chunk.data ?? Buffer.alloc(0);
      sizes.push(data.length);
      for (const byte of data) checksum = (checksum + byte) >>> 0;
    });
    call.on('end', () => {
      const total = sizes.reduce((a, b) => a + b, 0);
      callback(null, { chunks: sizes.length, total_bytes: String(total), sizes, checksum });
    });
  };

  const chat: grpc.handleBidiStreamingCall<ChatMessage, ChatMessage> = (call) => {
    let seq = 0;
    call.on('data', (message: ChatMessage) => {
      seq++;
      call.write({ from: name, text: `ack: ${message.text ?? ''}`, seq, attrs: { to: message.from ?? '' } });
    });
    call.on('end', () => call.end());
  };

  const bulk: grpc.handleServerStreamingCall<BulkRequest, BulkChunk> = async (call) => {
    const { count = 0, size = 0, interval_ms = 0 } = call.request;
    for (let k = 0; k < count; k++) {
      if (call.cancelled) return;
      await writeMessage(call, { index: k, data: bulkData(k, size) });
      if (interval_ms) await sleep(interval_ms);
    }
    if (!call.cancelled) call.end();
  };

  return { Echo: echo, Watch: watch, Upload: upload, Chat: chat, Bulk: bulk } as grpc.UntypedServiceImplementation;
}

export function echoReply(request: EchoRequest, name: string, sequence: number): EchoReply {
  const labels = request.labels ?? [];
  return {
    echo: request,
    served_by: name,
    sequence: String(sequence),
    text_length: Buffer.byteLength(request.text ?? ''),
    had_blob: request.blob !== undefined,
    ratio: labels.length / 4,
  };
}

export function watchEvent(topic: string, i: number): Event {
  return {
    seq: String(i),
    topic,
    mood: MOODS[i % MOODS.length],
    tags: [{ key: 'n', value: String(i) }],
    offset: String(-1000 * i),
    data: Buffer.from(`tick ${i}`),
  };
}

/** Honours backpressure so a stalled peer (small flow-control window) holds the handler, not memory. */
async function writeMessage<T>(call: grpc.ServerWritableStream<unknown, T>, message: T): Promise<void> {
  if (call.write(message)) return;
  await Promise.race([once(call, 'drain'), once(call, 'cancelled')]);
}
