// grpc-js client and server over TLS in one process, run by record.ts with `node --tls-keylog=FILE` (and
// --tls-max-v1.2 for the TLS 1.2 sample): the same key log lines a user would get. Prints
// {"calls": [...]} (the recorded CallRecords) on stdout.
//
//   node --tls-keylog=keys.log --import tsx grpc-js-pair.ts PORT CERT KEY
import * as grpc from '@grpc/grpc-js';
import { bidi, serverStream, unary, type CallRecord } from '../../grpc/lib/calls.js';
import { startTlsLabServer, stopServer, tlsLabConnection } from './lab-tls.js';

const [port = '', cert = '', key = ''] = process.argv.slice(2);
const server = await startTlsLabServer(Number(port), { cert, key });
const calls: CallRecord[] = [];
const conn = tlsLabConnection(Number(port), cert, calls);

await unary(
  conn,
  { text: 'hello over TLS', id: '1', mood: 'MOOD_CALM', labels: ['tls', 'h2'] },
  { metadata: { 'x-trace-id': 'tls-0001', 'x-blob-bin': Buffer.from([0, 0xff, 0x10]) } },
);
await unary(
  conn,
  { text: 'fail please', fail_with: grpc.status.PERMISSION_DENIED, fail_message: 'no key, no entry' },
  { metadata: { 'x-trace-id': 'tls-0002' } },
);
await serverStream(conn, 'Watch', { topic: 'tls-weather', count: 3 });
await bidi(conn, [
  { from: 'client', text: 'ping', seq: 1 },
  { from: 'client', text: 'pong', seq: 2 },
]);

conn.close();
await stopServer(server);
process.stdout.write(`${JSON.stringify({ calls })}\n`);
