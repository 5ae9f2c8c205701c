// Sequential calls on one channel around large responses: the raw material of samples/damaged-data-gap
// (scripts/samples/grpc/damaged-data-gap.mjs drops segments that carry only DATA from the second Bulk).
// The calls after it reuse the HPACK entries the first calls inserted (grpc-status 0, content-type, the
// repeated grpc-message), so a decoder that drops the table at the gap loses their statuses.
import * as grpc from '@grpc/grpc-js';
import { LabConnection, serverStream, unary, type CallRecord } from '../lib/calls.js';
import { emitMeta } from '../lib/meta.js';
import { startLabServer, stopLabServer } from '../lib/server.js';

const PORT = 50118;
const SIZE = 300_000;
const FAIL = { fail_with: grpc.status.NOT_FOUND, fail_message: 'no such widget' };
const server = await startLabServer({ port: PORT });
const calls: CallRecord[] = [];
const conn = new LabConnection(PORT, 0, calls);

await serverStream(conn, 'Bulk', { count: 1, size: SIZE }, { note: 'BulkChunk.data byte i = i % 251' });
await unary(conn, { text: 'before the gap' });
await unary(conn, { text: 'fails before the gap', ...FAIL });
await serverStream(conn, 'Bulk', { count: 1, size: SIZE }, { note: 'the damaged copy loses DATA of this one' });
await unary(conn, { text: 'after the gap' });
await unary(conn, { text: 'fails after the gap', ...FAIL });
await serverStream(conn, 'Bulk', { count: 1, size: 1000 }, { note: 'small, after the gap' });
await unary(conn, { text: 'last' });

conn.close();
await stopLabServer(server);

emitMeta(import.meta.url, {
  description:
    'grpc-js 1.14.7 client and server over 127.0.0.1, one connection, sequential calls: Bulk (one ' +
    `${SIZE}-byte BulkChunk), Echo OK, Echo NOT_FOUND "no such widget", Bulk (${SIZE} bytes again), Echo OK, ` +
    'Echo NOT_FOUND "no such widget", Bulk (1000 bytes), Echo OK. Later calls reuse HPACK entries the first ' +
    'ones inserted.',
  ports: [PORT],
  expect: { tcpConnections: 1, calls },
});
