// A gRPC client against a TCP server that accepts and never writes: the client sends the HTTP/2 preface
// and SETTINGS, then waits for the server's SETTINGS that never come, until its 1 s deadline expires
// (the shape of grpc-go's "timed out waiting for server handshake").
import net from 'node:net';
import { once } from 'node:events';
import { LabConnection, NO_CONNECTION, unary, type CallRecord } from '../lib/calls.js';
import { emitMeta } from '../lib/meta.js';

const PORT = 50113;
const sockets: net.Socket[] = [];
const silent = net.createServer((socket) => sockets.push(socket)); // reads and discards, writes nothing
silent.listen(PORT, '127.0.0.1');
await once(silent, 'listening');

const calls: CallRecord[] = [];
const conn = new LabConnection(PORT, 0, calls);
const call = await unary(conn, { text: 'anyone there?' }, { deadlineMs: 1000, note: 'server never answers' });
call.connection = NO_CONNECTION;
conn.close();
for (const socket of sockets) socket.destroy();
silent.close();

emitMeta(import.meta.url, {
  description:
    'grpc-js 1.14.7 client -> a node net server on 127.0.0.1 that accepts and never writes. The client ' +
    'completes the TCP handshake and sends the HTTP/2 connection preface and its SETTINGS, gets no SETTINGS ' +
    'back, so no HTTP/2 stream is ever opened; its Echo call fails DEADLINE_EXCEEDED after 1 s.',
  ports: [PORT],
  expect: { tcpConnections: sockets.length, serverSentBytes: 0, calls },
});
