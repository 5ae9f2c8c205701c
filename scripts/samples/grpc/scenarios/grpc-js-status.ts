// Every grpc-status: an OK Echo, then one Echo per code 1..16 answered trailers-only (grpc-js sends
// the status without response headers when no message preceded it), then a Watch that fails after two
// events, so its status comes in real trailers after HEADERS and DATA.
import * as grpc from '@grpc/grpc-js';
import { LabConnection, serverStream, unary, type CallRecord } from '../lib/calls.js';
import { emitMeta } from '../lib/meta.js';
import { startLabServer, stopLabServer } from '../lib/server.js';

const PORT = 50104;
const server = await startLabServer({ port: PORT });
const calls: CallRecord[] = [];
const conn = new LabConnection(PORT, 0, calls);

await unary(conn, { text: 'ok' });
for (let code = 1; code <= 16; code++) {
  const name = grpc.status[code] ?? String(code);
  await unary(conn, { text: `want ${name}`, fail_with: code, fail_message: `status ${code} ${name}` });
}
await serverStream(
  conn,
  'Watch',
  { topic: 'flaky', count: 5, fail_after: 2, fail_with: grpc.status.UNAVAILABLE },
  { note: 'two events, then UNAVAILABLE in trailers (not trailers-only)' },
);

conn.close();
await stopLabServer(server);

emitMeta(import.meta.url, {
  description:
    'grpc-js 1.14.7 client and server over 127.0.0.1, one connection, sequential calls: Echo OK (stream 1), ' +
    'then Echo answered with each grpc-status 1..16 in order (streams 3..33, trailers-only responses, ' +
    'grpc-message "status N NAME"), then Watch (stream 35) sending two events before grpc-status 14 in trailers.',
  ports: [PORT],
  expect: { tcpConnections: 1, calls },
});
