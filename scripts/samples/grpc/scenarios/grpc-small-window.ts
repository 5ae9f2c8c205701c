// A Bulk server stream starved by flow control: the grpc-js client keeps node's default 65,535-byte
// windows and its application reads one message every 20 ms. grpc-js buffers up to 16 messages (the object
// stream's highWaterMark), then pauses the HTTP/2 stream; node sends WINDOW_UPDATE only for bytes read, so
// after that the server fills the stream window and waits for each WINDOW_UPDATE.
import { LabConnection, serverStream, type CallRecord } from '../lib/calls.js';
import { emitMeta } from '../lib/meta.js';
import { startLabServer, stopLabServer } from '../lib/server.js';

const PORT = 50110;
const COUNT = 120;
const SIZE = 2000;
const READ_PAUSE_MS = 20;
const server = await startLabServer({ port: PORT });
const calls: CallRecord[] = [];
const conn = new LabConnection(PORT, 0, calls);

await serverStream(
  conn,
  'Bulk',
  { count: COUNT, size: SIZE },
  { readPauseMs: READ_PAUSE_MS, note: `client pauses ${READ_PAUSE_MS} ms after each message` },
);

conn.close();
await stopLabServer(server);

emitMeta(import.meta.url, {
  description:
    `grpc-js 1.14.7 client and server over 127.0.0.1: Bulk streaming ${COUNT} messages of ${SIZE} bytes of ` +
    `data to a client that pauses ${READ_PAUSE_MS} ms after each message. grpc-js leaves node's HTTP/2 ` +
    'windows at 65,535 (no grpc-node.flow_control_window); once 16 messages are buffered it pauses the HTTP/2 ' +
    'stream and node sends WINDOW_UPDATE only for bytes read, so the server repeatedly uses up the stream ' +
    'window and waits for the next WINDOW_UPDATE (see expect.wire stalls).',
  ports: [PORT],
  expect: { tcpConnections: 1, calls },
});
