// scope.v1.Lab over TLS with grpc-js: a server with the throwaway certificate, and a client connection
// shaped like the gRPC samples' LabConnection so their recording call helpers (calls.ts) work unchanged.
import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import type { CallRecord } from '../../grpc/lib/calls.js';
import type { LabConnection } from '../../grpc/lib/calls.js';
import {
  LabClient,
  labService,
  type ChatMessage,
  type EchoReply,
  type EchoRequest,
  type Event,
  type WatchRequest,
} from '../../grpc/lib/service.js';
import { echoReply, watchEvent } from '../../grpc/lib/server.js';
import { SNI } from '../lib/tools.js';

export const SERVER_NAME = 'grpc-js-tls';

export interface TlsFiles {
  cert: string;
  key: string;
}

export async function startTlsLabServer(port: number, files: TlsFiles): Promise<grpc.Server> {
  const server = new grpc.Server();
  server.addService(labService, labImplementation());
  const credentials = grpc.ServerCredentials.createSsl(
    null,
    [{ private_key: readFileSync(files.key), cert_chain: readFileSync(files.cert) }],
    false,
  );
  await new Promise<void>((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${port}`, credentials, (error) => (error ? reject(error) : resolve())),
  );
  return server;
}

export function stopServer(server: grpc.Server): Promise<void> {
  return new Promise((resolve) => server.tryShutdown(() => resolve()));
}

function labImplementation(): grpc.UntypedServiceImplementation {
  let sequence = 0;
  const echo: grpc.handleUnaryCall<EchoRequest, EchoReply> = (call, callback) => {
    const request = call.request;
    sequence++;
    if (request.fail_with) {
      callback({ code: request.fail_with, details: request.fail_message ?? '' });
      return;
    }
    const headers = new grpc.Metadata();
    headers.set('x-served-by', SERVER_NAME);
    call.sendMetadata(headers);
    const trailers = new grpc.Metadata();
    trailers.set('x-call-seq', String(sequence));
    callback(null, echoReply(request, SERVER_NAME, sequence), trailers);
  };
  const watch: grpc.handleServerStreamingCall<WatchRequest, Event> = (call) => {
    const { topic = '', count = 0 } = call.request;
    for (let i = 1; i <= count; i++) call.write(watchEvent(topic, i));
    call.end();
  };
  const chat: grpc.handleBidiStreamingCall<ChatMessage, ChatMessage> = (call) => {
    let seq = 0;
    call.on('data', (message: ChatMessage) => {
      seq++;
      call.write({ from: SERVER_NAME, text: `ack: ${message.text ?? ''}`, seq, attrs: { to: message.from ?? '' } });
    });
    call.on('end', () => call.end());
  };
  const unimplemented = (_call: unknown, callback?: grpc.sendUnaryData<unknown>) =>
    callback?.({ code: grpc.status.UNIMPLEMENTED, details: 'not in the TLS samples' });
  return { Echo: echo, Watch: watch, Chat: chat, Upload: unimplemented, Bulk: unimplemented };
}

/** One TLS channel to the server; the certificate is its own root, SNI is h2scope.test. */
export function tlsLabConnection(port: number, cert: string, log: CallRecord[]): LabConnection {
  const credentials = grpc.credentials.createSsl(readFileSync(cert));
  const channelOptions = { 'grpc.enable_http_proxy': 0, 'grpc.ssl_target_name_override': SNI };
  const client = new LabClient(`127.0.0.1:${port}`, credentials, channelOptions);
  return { client, port, index: 0, log, channelOptions: {}, close: () => client.close() };
}
