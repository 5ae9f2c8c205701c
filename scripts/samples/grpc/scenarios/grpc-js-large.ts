// One 1.2 MB response message (a single BulkChunk) crossing many DATA frames and TCP segments.
import { LabConnection, serverStream, type CallRecord } from '../lib/calls.js';
import { emitMeta } from '../lib/meta.js';
import { startLabServer, stopLabServer } from '../lib/server.js';

const PORT = 50103;
const SIZE = 1_200_000;
const server = await startLabServer({ port: PORT });
const calls: CallRecord[] = [];
const conn = new LabConnection(PORT, 0, calls);

await serverStream(conn, 'Bulk', { count: 1, size: SIZE }, { note: 'BulkChunk.data byte i = i % 251' });

conn.close();
await stopLabServer(server);

emitMeta(import.meta.url, {
  description:
    'grpc-js 1.14.7 client and server over 127.0.0.1: one Bulk call whose single response message is a ' +
    `BulkChunk with ${SIZE} bytes of data (byte i = i % 251), split by node's HTTP/2 into 16 KiB DATA frames ` +
    'paced by the default 65,535-byte windows and WINDOW_UPDATEs, carried in loopback-sized TCP segments.',
  ports: [PORT],
  expect: { tcpConnections: 1, calls },
});
