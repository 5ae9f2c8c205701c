// Keepalive the server allows: a grpc-js client pinging every second on an otherwise idle connection,
// against a grpc-js server (which enforces no ping policy): PING / PING ACK pairs between two calls.
import { setTimeout as sleep } from 'node:timers/promises';
import { LabConnection, unary, type CallRecord } from '../lib/calls.js';
import { emitMeta } from '../lib/meta.js';
import { startLabServer, stopLabServer } from '../lib/server.js';

const PORT = 50112;
const IDLE_MS = 5000;
const server = await startLabServer({ port: PORT });
const calls: CallRecord[] = [];
const conn = new LabConnection(PORT, 0, calls, {
  'grpc.keepalive_time_ms': 1000,
  'grpc.keepalive_timeout_ms': 500,
  'grpc.keepalive_permit_without_calls': 1,
});

await unary(conn, { text: 'before idle' });
await sleep(IDLE_MS);
await unary(conn, { text: 'after idle' });
conn.close();
await stopLabServer(server);

emitMeta(import.meta.url, {
  description:
    'grpc-js 1.14.7 client (grpc.keepalive_time_ms 1000, keepalive_timeout_ms 500, ' +
    `keepalive_permit_without_calls 1) and grpc-js server over 127.0.0.1: an Echo, ${IDLE_MS / 1000} s with ` +
    'no calls during which the client sends a keepalive PING about every second and the server ACKs each, ' +
    'then another Echo on the same connection.',
  ports: [PORT],
  expect: { tcpConnections: 1, calls },
});
