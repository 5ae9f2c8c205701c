// grpc-js client -> Python grpcio (C-core 1.51) server: unary, server-, client- and bidi-streaming calls.
import * as grpc from '@grpc/grpc-js';
import { LabConnection, bidi, clientStream, serverStream, unary, type CallRecord } from '../lib/calls.js';
import { emitMeta } from '../lib/meta.js';
import { startPythonServer } from '../lib/python.js';

const PORT = 50107;
const server = await startPythonServer(PORT);
const calls: CallRecord[] = [];
const conn = new LabConnection(PORT, 0, calls);

await unary(
  conn,
  { text: 'hello grpcio', id: '123456789012', mood: 'MOOD_CALM', labels: ['js'], counters: { n: '5' } },
  { metadata: { 'x-trace-id': 'js-0001', 'x-blob-bin': Buffer.from([1, 2, 3, 0]) } },
);
await unary(
  conn,
  { text: 'deny', fail_with: grpc.status.PERMISSION_DENIED, fail_message: 'accès refusé ✗' },
  { metadata: { 'x-trace-id': 'js-0002' } },
);
await serverStream(conn, 'Watch', { topic: 'py-side', count: 4, interval_ms: 20 });
await clientStream(
  conn,
  [0, 1, 2].map((index) => ({ index, data: Buffer.alloc(50 * (index + 1), index + 65), last: index === 2 })),
);
await bidi(conn, [
  { from: 'js', text: 'ping' },
  { from: 'js', text: 'pong' },
]);

conn.close();
await server.stop();

emitMeta(import.meta.url, {
  description:
    'grpc-js 1.14.7 client -> Python grpcio 1.51 (C-core) server with generic handlers over 127.0.0.1, one ' +
    'connection: Echo with metadata (x-blob-bin), Echo failing PERMISSION_DENIED with a non-ASCII ' +
    'grpc-message (percent-encoded by C-core), Watch (4 events), Upload (3 chunks), Chat (ping-pong, 2 messages).',
  ports: [PORT],
  expect: { tcpConnections: 1, calls },
});
