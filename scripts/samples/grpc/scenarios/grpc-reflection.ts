// A grpc-js Lab server with @grpc/reflection 1.0.4 (grpc.reflection.v1 and v1alpha) on one port. One grpc-js
// channel: two Echo calls before any reflection, then a reflection client in the spirit of grpcurl
// (v1 ServerReflectionInfo: list_services, file_containing_symbol scope.v1.Lab; then v1alpha:
// file_containing_symbol scope.v1.EchoRequest), then Echo, Watch, Upload and Chat. The reflection client
// shares the Lab client's channel options, so grpc-js puts every call on the same subchannel (one TCP
// connection), as a tool probing a live service would.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { LabConnection, bidi, clientStream, serverStream, unary, type CallRecord } from '../lib/calls.js';
import { SCOPE_PROTO } from '../lib/codec.js';
import { emitMeta } from '../lib/meta.js';
import { reflect, type ReflectionRecord } from '../lib/reflection-client.js';
import { startLabServer, stopLabServer } from '../lib/server.js';

const PORT = 50118;
const { ReflectionService } = (await import('@grpc/reflection')) as {
  ReflectionService: new (pkg: protoLoader.PackageDefinition) => { addToServer(s: grpc.Server): void };
};

const labPackage = protoLoader.loadSync(SCOPE_PROTO, { keepCase: true });
const reflection = new ReflectionService(labPackage);
const server = await startLabServer({ port: PORT, addServices: (s) => reflection.addToServer(s) });

const calls: CallRecord[] = [];
const conn = new LabConnection(PORT, 0, calls);

await unary(conn, { text: 'before reflection 1', id: '1', labels: ['a'] }, { note: 'before any reflection' });
await unary(conn, { text: 'before reflection 2', id: '2', mood: 'MOOD_BUSY' }, { note: 'before any reflection' });

const reflectionCalls: ReflectionRecord[] = [];

await reflect(PORT, 'v1', [{ host: '', list_services: '' }, { host: '', file_containing_symbol: 'scope.v1.Lab' }], calls, reflectionCalls);
await reflect(PORT, 'v1alpha', [{ host: '', file_containing_symbol: 'scope.v1.EchoRequest' }], calls, reflectionCalls);

await unary(
  conn,
  { text: 'after reflection', id: '3', mood: 'MOOD_CALM', deltas: [-1, 2], counters: { hits: '7' }, origin: { x: 1, y: 2 } },
  { note: 'after reflection' },
);
await unary(conn, { text: 'fail after reflection', fail_with: grpc.status.NOT_FOUND, fail_message: 'no such id' });
await serverStream(conn, 'Watch', { topic: 'reflection', count: 3, interval_ms: 5 });
await clientStream(conn, [0, 1].map((index) => ({ index, data: Buffer.from(`chunk ${index}`), last: index === 1 })));
await bidi(conn, ['hi', 'bye'].map((text, i) => ({ from: 'carol', text, seq: i + 1, attrs: { lang: 'en' } })));

conn.close();
await stopLabServer(server);

emitMeta(import.meta.url, {
  description:
    'grpc-js 1.14.7 Lab server with @grpc/reflection 1.0.4 (v1 and v1alpha) over 127.0.0.1, one connection: ' +
    'two Echo calls, then grpc.reflection.v1 ServerReflectionInfo (list_services, file_containing_symbol ' +
    'scope.v1.Lab) and grpc.reflection.v1alpha ServerReflectionInfo (file_containing_symbol ' +
    'scope.v1.EchoRequest) from a grpc-js reflection client, then Echo (OK and NOT_FOUND), Watch, Upload and Chat.',
  ports: [PORT],
  expect: { tcpConnections: 1, calls, reflection: reflectionCalls },
});
