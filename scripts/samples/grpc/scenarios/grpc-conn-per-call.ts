// The anti-pattern of a new channel per call: 10 Echo calls, each on its own channel, so each pays a TCP
// handshake, the HTTP/2 preface and SETTINGS exchange, and a GOAWAY on close.
import { LabConnection, unary, type CallRecord } from '../lib/calls.js';
import { emitMeta } from '../lib/meta.js';
import { startLabServer, stopLabServer } from '../lib/server.js';

const PORT = 50111;
const CALLS = 10;
const server = await startLabServer({ port: PORT });
const calls: CallRecord[] = [];

for (let i = 0; i < CALLS; i++) {
  const conn = new LabConnection(PORT, i, calls);
  await unary(conn, { text: `call ${i}`, id: String(i) }, { metadata: { 'x-call': String(i) } });
  conn.close();
}
await stopLabServer(server);

emitMeta(import.meta.url, {
  description:
    `grpc-js 1.14.7 client and server over 127.0.0.1: ${CALLS} sequential Echo calls, each on a new channel ` +
    'closed right after, so every call has its own TCP connection (tcp.stream i carries call i on stream 1).',
  ports: [PORT],
  expect: { tcpConnections: CALLS, calls },
});
