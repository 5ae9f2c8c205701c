// Graceful shutdown under load: the grpc-js server's tryShutdown() while a slow Echo is in flight sends
// GOAWAY, the in-flight call still completes; a call started after the GOAWAY finds the port closed
// (UNAVAILABLE, TCP RST); a restarted server then serves a call on a new connection.
import { setTimeout as sleep } from 'node:timers/promises';
import { LabConnection, NO_CONNECTION, unary, type CallRecord } from '../lib/calls.js';
import { emitMeta } from '../lib/meta.js';
import { startLabServer, stopLabServer } from '../lib/server.js';

const PORT = 50108;
const calls: CallRecord[] = [];
const conn = new LabConnection(PORT, 0, calls);

const first = await startLabServer({ port: PORT, name: 'first' });
await unary(conn, { text: 'before shutdown' });
const inFlight = unary(conn, { text: 'slow', sleep_ms: 800 }, { note: 'in flight when the server sent GOAWAY' });
await sleep(200);
const shutdown = stopLabServer(first); // GOAWAY now; the listening socket closes too
await sleep(200);
const refused = await unary(conn, { text: 'after goaway' }, { note: 'started after GOAWAY: port closed' });
refused.connection = NO_CONNECTION;
await inFlight;
await shutdown;

// The in-flight call held connection 0 until it completed; the same channel now reconnects.
conn.index = 1;
const second = await startLabServer({ port: PORT, name: 'second' });
await unary(
  conn,
  { text: 'after restart' },
  { waitForReady: true, note: 'wait-for-ready: new connection to the restarted server' },
);
conn.close();
await stopLabServer(second);

emitMeta(import.meta.url, {
  description:
    'grpc-js 1.14.7 client and server over 127.0.0.1. Connection 0: an OK Echo, then a slow Echo (800 ms) ' +
    'during which the server calls tryShutdown(): the server sends GOAWAY (NO_ERROR) and the slow call ' +
    'still completes OK. A call started after the GOAWAY finds the port closed (SYN answered by RST, client ' +
    'status UNAVAILABLE, no HTTP/2 stream). A restarted server then serves one Echo on connection 1.',
  ports: [PORT],
  expect: { tcpConnections: 3, calls },
});
