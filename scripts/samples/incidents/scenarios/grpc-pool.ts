// Not a storm: a channel pool. One grpc-js client process opens 8 channels to one server at once (as the
// bench client scripts/bench/small-calls.ts and grpc-go/grpc-java/Envoy pools do), each with its own
// subchannel (grpc.use_local_subchannel_pool), then carries all its calls over them: 8 sequential Echo calls
// on each. The connections open within milliseconds like grpc-burst's, but each carries more than
// `burstFewCalls` calls, so analysis.churn.burst stays quiet although the capture ends within a second.
import { channelPool, unary, type CallRecord } from '../../grpc/lib/calls.js';
import { emitMeta } from '../../grpc/lib/meta.js';
import { startLabServer, stopLabServer } from '../../grpc/lib/server.js';

const PORT = 50405;
const CHANNELS = 8;
const CALLS = 8;
const server = await startLabServer({ port: PORT });
const calls: CallRecord[] = [];
const conns = channelPool(PORT, CHANNELS, calls);
await Promise.all(
  conns.map(async (conn, i) => {
    for (let k = 0; k < CALLS; k++) await unary(conn, { text: `call ${k} on ${i}`, id: `${i * 100 + k}` });
  }),
);
for (const conn of conns) conn.close();
await stopLabServer(server);
// Connection order on the wire is not the channel order: verify.ts matches calls to connections.
emitMeta(import.meta.url, {
  description:
    `grpc-js 1.14.7 client and server over 127.0.0.1: a pool of ${CHANNELS} channels (local subchannel pools) ` +
    `opened at the same moment, ${CALLS} sequential Echo calls on each, all channels closed at the end.`,
  ports: [PORT],
  expect: { tcpConnections: CHANNELS, callsPerConnection: CALLS, calls },
});
