// A gRPC client against an HTTP/1.1-only server: node's http server cannot parse the HTTP/2 preface
// ("PRI * HTTP/2.0") and, by default, answers "HTTP/1.1 400 Bad Request" and closes the connection.
import http from 'node:http';
import { once } from 'node:events';
import { LabConnection, NO_CONNECTION, unary, type CallRecord } from '../lib/calls.js';
import { emitMeta } from '../lib/meta.js';

const PORT = 50114;
/** What node's http server writes on a parse error it has no clientError listener for. */
const BAD_REQUEST = 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n';
let connections = 0;
const http1 = http.createServer((_request, response) => response.end('HTTP/1.1 only\n'));
http1.on('connection', () => connections++);
http1.listen(PORT, '127.0.0.1');
await once(http1, 'listening');

const calls: CallRecord[] = [];
const conn = new LabConnection(PORT, 0, calls);
const call = await unary(conn, { text: 'h2c please' }, { deadlineMs: 1000, note: 'server speaks HTTP/1.1 only' });
call.connection = NO_CONNECTION;
conn.close();
http1.close();
http1.closeAllConnections();

emitMeta(import.meta.url, {
  description:
    'grpc-js 1.14.7 client -> a node http (HTTP/1.1-only) server on 127.0.0.1. The client sends the HTTP/2 ' +
    'preface and SETTINGS; node answers "HTTP/1.1 400 Bad Request" with Connection: close (its default ' +
    'clientError handling of HPE_PAUSED_H2_UPGRADE) and closes; no HTTP/2 stream is opened and the Echo call fails.',
  ports: [PORT],
  expect: { tcpConnections: connections, serverFirstBytes: BAD_REQUEST, calls },
  goldenNotes: [
    `The server's only payload is ${JSON.stringify(BAD_REQUEST)}, not HTTP/2. tshark, told the port is ` +
      'http2, holds it as an unfinished reassembly (its first bytes read as a frame header of length 0x485454) ' +
      'and lists no frame for it: no server frame is the truth; a decoder should say the peer answered HTTP/1.1.',
  ],
});
