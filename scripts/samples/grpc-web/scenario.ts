// gRPC-Web over HTTP/1.1 with real implementations: @protobuf-ts/grpcweb-transport (a gRPC-Web client on
// Node's fetch, which speaks HTTP/1.1 to http: URLs) calls @grpc-web/proxy (a Node gRPC-Web to gRPC proxy:
// HTTP/1.1 in, HTTP/2 to the grpc-js lab server out). Binary (application/grpc-web+proto) and text
// (application/grpc-web-text, base64) calls, an OK unary, a trailers-only error and a server stream.
// Run by record.sh with GRPC_WEB_MODULES naming where the npm packages were installed.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { encodeMessage, lookupType, describeBytes } from '../grpc/lib/codec.js';
import { startLabServer, stopLabServer } from '../grpc/lib/server.js';

const PORT = 50125;
const WEB_PORT = 50126;
const modules = process.env.GRPC_WEB_MODULES;
if (!modules) throw new Error('GRPC_WEB_MODULES is not set: run record.sh');
const require = createRequire(join(modules, 'node_modules', 'x.js'));
const proxy = require('@grpc-web/proxy') as (o: { target: string }) => { listen: (p: number, h: string, cb: () => void) => import('node:http').Server };
const { GrpcWebFetchTransport } = require('@protobuf-ts/grpcweb-transport');

const server = await startLabServer({ port: PORT });
const web = await new Promise<import('node:http').Server>((resolve) => {
  const s = proxy({ target: `http://127.0.0.1:${PORT}` }).listen(WEB_PORT, '127.0.0.1', () => resolve(s));
});

/** A protobuf-ts message type over protobufjs (the transport only calls toBinary and fromBinary). */
function messageType(name: string) {
  const type = lookupType(name);
  return {
    typeName: name,
    toBinary: (value: object) => encodeMessage(name, value),
    fromBinary: (bytes: Uint8Array) => type.toObject(type.decode(bytes), { longs: String, enums: String }),
  };
}
const service = { typeName: 'scope.v1.Lab', methods: [] as unknown[], options: {} };
const method = (name: string, I: string, O: string, serverStreaming: boolean) => ({
  service,
  name,
  localName: name.toLowerCase(),
  I: messageType(I),
  O: messageType(O),
  serverStreaming,
  clientStreaming: false,
  options: {},
});
const ECHO = method('Echo', 'scope.v1.EchoRequest', 'scope.v1.EchoReply', false);
const WATCH = method('Watch', 'scope.v1.WatchRequest', 'scope.v1.Event', true);

interface Outcome {
  format: 'binary' | 'text';
  method: string;
  request: ReturnType<typeof describeBytes>;
  responses: number;
  status: number;
  message: string;
}
const calls: Outcome[] = [];

async function unary(format: 'binary' | 'text', input: object): Promise<void> {
  const transport = new GrpcWebFetchTransport({ baseUrl: `http://127.0.0.1:${WEB_PORT}`, format });
  const call = transport.unary(ECHO, input, transport.mergeOptions({}));
  let status = { code: 'OK', detail: '' };
  let responses = 0;
  try {
    await call.response;
    responses = 1;
    status = await call.status;
  } catch (e) {
    const err = e as { code: string; message: string };
    status = { code: err.code, detail: decodeURIComponent(err.message) };
  }
  calls.push({
    format,
    method: '/scope.v1.Lab/Echo',
    request: describeBytes('scope.v1.EchoRequest', encodeMessage('scope.v1.EchoRequest', input)),
    responses,
    status: grpc.status[status.code as keyof typeof grpc.status] as number,
    message: status.detail,
  });
}

async function watch(format: 'binary' | 'text', input: object): Promise<void> {
  const transport = new GrpcWebFetchTransport({ baseUrl: `http://127.0.0.1:${WEB_PORT}`, format });
  const call = transport.serverStreaming(WATCH, input, transport.mergeOptions({}));
  let responses = 0;
  for await (const _ of call.responses) responses++;
  const status = await call.status;
  calls.push({
    format,
    method: '/scope.v1.Lab/Watch',
    request: describeBytes('scope.v1.WatchRequest', encodeMessage('scope.v1.WatchRequest', input)),
    responses,
    status: grpc.status[status.code as keyof typeof grpc.status] as number,
    message: status.detail,
  });
}

await unary('binary', { text: 'hello over grpc-web' });
await unary('binary', { text: 'fails', fail_with: grpc.status.NOT_FOUND, fail_message: 'no such widget' });
await watch('binary', { topic: 'weather', count: 3 });
await unary('text', { text: 'hello over grpc-web-text' });
await watch('text', { topic: 'tides', count: 2 });

await new Promise<void>((resolve) => web.close(() => resolve()));
web.closeAllConnections?.();
await stopLabServer(server);

const version = (name: string) => require(`${name}/package.json`).version as string;
process.stdout.write(
  `${JSON.stringify(
    {
      description:
        `gRPC-Web over HTTP/1.1 from real implementations: @protobuf-ts/grpcweb-transport ${version('@protobuf-ts/grpcweb-transport')} ` +
        `(on Node ${process.version}'s fetch) calling @grpc-web/proxy ${version('@grpc-web/proxy')} on 127.0.0.1:${WEB_PORT}, ` +
        `which forwards each call over HTTP/2 to the grpc-js 1.14.7 lab server on 127.0.0.1:${PORT}. Five calls, ` +
        'binary (application/grpc-web+proto) then text (application/grpc-web-text, base64): Echo OK, Echo ' +
        'NOT_FOUND (trailers-only: the status in the HTTP/1.1 response headers), Watch with 3 events, Echo OK (text), ' +
        'Watch with 2 events (text). Requests carry content-length bodies, responses chunked bodies ending in the ' +
        'gRPC-Web trailers frame (0x80).',
      generator: 'scripts/samples/grpc-web/record.sh',
      ports: [PORT, WEB_PORT],
      linkType: 'EN10MB',
      tsharkDecodeAs: { [WEB_PORT]: 'http' },
      expect: { calls },
    },
    null,
    2,
  )}\n`,
);
