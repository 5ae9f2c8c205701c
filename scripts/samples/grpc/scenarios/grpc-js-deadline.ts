// A deadline that expires while the server sleeps (the client resets the stream with CANCEL), a client
// cancel in the middle of a server stream, and an OK call showing the connection survives both.
import { setTimeout as sleep } from 'node:timers/promises';
import { LabConnection, serverStream, unary, type CallRecord } from '../lib/calls.js';
import { emitMeta } from '../lib/meta.js';
import { startLabServer, stopLabServer } from '../lib/server.js';

const PORT = 50105;
const server = await startLabServer({ port: PORT });
const calls: CallRecord[] = [];
const conn = new LabConnection(PORT, 0, calls);

await unary(
  conn,
  { text: 'slow', sleep_ms: 1000 },
  { deadlineMs: 200, note: 'server handler sleeps 1 s; grpc-timeout sent, client gives up after 200 ms' },
);
await serverStream(
  conn,
  'Watch',
  { topic: 'ticker', count: 50, interval_ms: 50 },
  { cancelAfter: 3, note: 'client calls cancel() after the 3rd event' },
);
await unary(conn, { text: 'still alive' });
await sleep(1000); // let the sleeping Echo handler finish before the server shuts down

conn.close();
await stopLabServer(server);

emitMeta(import.meta.url, {
  description:
    'grpc-js 1.14.7 client and server over 127.0.0.1, one connection: Echo with a 200 ms deadline whose ' +
    'handler sleeps 1 s (client status DEADLINE_EXCEEDED, RST_STREAM CANCEL from the client), Watch cancelled ' +
    'by the client after 3 of 50 events (RST_STREAM CANCEL), then an OK Echo on the same connection.',
  ports: [PORT],
  expect: { tcpConnections: 1, calls },
});
