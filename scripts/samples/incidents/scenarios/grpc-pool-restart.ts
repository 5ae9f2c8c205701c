// A reconnect wave: the channel pool of grpc-pool (8 grpc-js channels, local subchannel pools) carries 4
// Echo calls on each, then the server restarts (tryShutdown: GOAWAY, connections closed) and every channel
// reconnects at once for 4 more calls. The first 8 connections are a pool opening (no diagnostic); the 8
// that open right after they closed are the storm every client makes after a restart
// (analysis.churn.burst with `reconnected`).
import { channelPool, unary, type CallRecord } from '../../grpc/lib/calls.js';
import { emitMeta } from '../../grpc/lib/meta.js';
import { startLabServer, stopLabServer } from '../../grpc/lib/server.js';

const PORT = 50406;
const CHANNELS = 8;
const CALLS = 4;
const calls: CallRecord[] = [];
const conns = channelPool(PORT, CHANNELS, calls);
const round = (name: string, opts = {}) =>
  Promise.all(
    conns.map(async (conn, i) => {
      for (let k = 0; k < CALLS; k++)
        await unary(conn, { text: `${name} ${k} on ${i}`, id: `${conn.index * 100 + k}` }, opts);
    }),
  );

const first = await startLabServer({ port: PORT, name: 'first' });
await round('before');
await stopLabServer(first);
// Each channel reconnects to the restarted server: connection i + 8.
for (const conn of conns) conn.index += CHANNELS;
const second = await startLabServer({ port: PORT, name: 'second' });
await round('after', { waitForReady: true });
for (const conn of conns) conn.close();
await stopLabServer(second);
emitMeta(import.meta.url, {
  description:
    `grpc-js 1.14.7 client and server over 127.0.0.1: a pool of ${CHANNELS} channels (local subchannel pools) ` +
    `opened at the same moment, ${CALLS} sequential Echo calls on each; the server restarts (tryShutdown, ` +
    `then a new server on the same port) and every channel reconnects for ${CALLS} more calls.`,
  ports: [PORT],
  expect: { tcpConnections: 2 * CHANNELS, callsPerConnection: CALLS, calls },
});
