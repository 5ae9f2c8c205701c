// grpc-js client -> grpc-js server with grpc.max_concurrent_streams 2: six Echo calls started at once on one
// channel, each served in 40 ms (sleep_ms). Only two streams may be open, so grpc-js holds the other four
// until a stream closes: on the wire, each later call's HEADERS follows a stream's close, and the time it
// waited is not in its duration (the latency breakdown's `streamLimit`, docs/analysis.md).
import { LabConnection, unary, type CallRecord } from '../lib/calls.js';
import { emitMeta } from '../lib/meta.js';
import { startLabServer, stopLabServer } from '../lib/server.js';

const PORT = 50118;
const LIMIT = 2;
const CALLS = 6;
const SLEEP_MS = 40;

const server = await startLabServer({ port: PORT, channelOptions: { 'grpc.max_concurrent_streams': LIMIT } });
const calls: CallRecord[] = [];
const conn = new LabConnection(PORT, 0, calls);
// One call first, so the channel is connected and has the server's SETTINGS before the burst.
await unary(conn, { text: 'warm-up', id: '0' });
await Promise.all(
  Array.from({ length: CALLS }, (_, i) => unary(conn, { text: `call ${i + 1}`, id: String(i + 1), sleep_ms: SLEEP_MS })),
);
conn.close();
await stopLabServer(server);

emitMeta(import.meta.url, {
  description:
    `grpc-js 1.14.7 client and server over 127.0.0.1, one connection, server SETTINGS_MAX_CONCURRENT_STREAMS ${LIMIT}: ` +
    `a warm-up Echo, then ${CALLS} Echo calls started together, each taking ${SLEEP_MS} ms in the server; grpc-js ` +
    `queues the calls beyond ${LIMIT} until a stream closes.`,
  ports: [PORT],
  expect: { tcpConnections: 1, maxConcurrentStreams: LIMIT, calls },
});
