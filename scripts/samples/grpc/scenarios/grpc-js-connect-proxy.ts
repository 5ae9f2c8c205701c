// gRPC through a forward proxy: grpc-js with grpc_proxy set opens a CONNECT tunnel through a CONNECT proxy
// on loopback (lib/connect-proxy.ts) and speaks HTTP/2 inside it. The capture holds both legs: client to
// proxy (CONNECT, 200, then the client preface in the tunnel) and proxy to server (plain h2c).
import * as grpc from '@grpc/grpc-js';
import { LabConnection, unary, type CallRecord } from '../lib/calls.js';
import { startConnectProxy, stopConnectProxy } from '../lib/connect-proxy.js';
import { emitMeta } from '../lib/meta.js';
import { startLabServer, stopLabServer } from '../lib/server.js';

const PORT = 50123;
const PROXY_PORT = 50124;
const server = await startLabServer({ port: PORT });
const proxy = await startConnectProxy(PROXY_PORT);
// grpc-js reads these per channel (src/http_proxy.ts): grpc_proxy first, and no_proxy would exempt loopback.
process.env.grpc_proxy = `http://127.0.0.1:${PROXY_PORT}`;
for (const name of ['no_proxy', 'NO_PROXY', 'no_grpc_proxy']) delete process.env[name];
const calls: CallRecord[] = [];
const conn = new LabConnection(PORT, 0, calls, { 'grpc.enable_http_proxy': 1 });

await unary(conn, { text: 'through the proxy' });
await unary(conn, { text: 'again' });
await unary(conn, { text: 'fails', fail_with: grpc.status.NOT_FOUND, fail_message: 'no such widget' });

conn.close();
await stopConnectProxy(proxy);
await stopLabServer(server);

emitMeta(import.meta.url, {
  description:
    `grpc-js 1.14.7 client with grpc_proxy=http://127.0.0.1:${PROXY_PORT} calling a grpc-js server on ` +
    `127.0.0.1:${PORT} through a CONNECT proxy (scripts/samples/grpc/lib/connect-proxy.ts, a minimal Node ` +
    'forward proxy): on the client leg grpc-js sends "CONNECT 127.0.0.1:' +
    `${PORT} HTTP/1.1", the proxy answers "HTTP/1.1 200 Connection established", then the client preface ` +
    'and HTTP/2 follow in the tunnel; the proxy leg is plain h2c. Three Echo calls: OK, OK, NOT_FOUND.',
  ports: [PORT, PROXY_PORT],
  expect: { tcpConnections: 2, tunnels: proxy.tunnels, calls },
});
