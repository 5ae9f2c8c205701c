// A connection storm: one grpc-js client process opens 10 channels to one server at once (a pool filled
// eagerly), each with its own subchannel (grpc.use_local_subchannel_pool), and makes two Echo calls on each,
// so every connection carries more than one call (not connection-per-call).
import { channelPool, unary, type CallRecord } from '../../grpc/lib/calls.js';
import { emitMeta } from '../../grpc/lib/meta.js';
import { startLabServer, stopLabServer } from '../../grpc/lib/server.js';

const PORT = 50402;
const CHANNELS = 10;
const server = await startLabServer({ port: PORT });
const calls: CallRecord[] = [];
const conns = channelPool(PORT, CHANNELS, calls);
await Promise.all(
  conns.map(async (conn, i) => {
    await unary(conn, { text: `first on ${i}`, id: `${i}a` });
    await unary(conn, { text: `second on ${i}`, id: `${i}b` });
  }),
);
for (const conn of conns) conn.close();
await stopLabServer(server);
// Connection order on the wire is not the channel order: verify.ts matches calls to connections.
emitMeta(import.meta.url, {
  description:
    `grpc-js 1.14.7 client and server over 127.0.0.1: ${CHANNELS} channels (local subchannel pools) opened ` +
    'at the same moment, two sequential Echo calls on each, all channels closed at the end.',
  ports: [PORT],
  expect: { tcpConnections: CHANNELS, callsPerConnection: 2, calls },
});
