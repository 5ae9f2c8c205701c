// nginx 1.22 as an L7 gRPC proxy (`grpc_pass`): a grpc-js client -> nginx (h2c listener) -> grpc-js Lab
// server, both legs captured on lo. One route (Bulk) goes to a port where nothing listens, so nginx itself
// answers that call (HTTP 502, no grpc-status) and grpc-js reports UNAVAILABLE.
import * as grpc from '@grpc/grpc-js';
import { LabConnection, serverStream, unary, type CallRecord } from '../grpc/lib/calls.js';
import { emitMeta, log } from '../grpc/lib/meta.js';
import { startLabServer, stopLabServer } from '../grpc/lib/server.js';
import { startCapture } from './lib/capture.js';
import { startNginx } from './lib/nginx.js';

const NAME = 'peer-nginx-grpc-proxy';
const PROXY = 50700; // nginx -> BACKEND
const BACKEND = 50701; // grpc-js Lab server
const DEAD = 50703; // nothing listens: the Bulk route's backend

const server = await startLabServer({ port: BACKEND, name: 'backend' });
const nginx = await startNginx(
  `
  upstream lab { server 127.0.0.1:${BACKEND}; keepalive 4; }
  server {
    listen 127.0.0.1:${PROXY} http2;
    location / { grpc_pass grpc://lab; }
    location = /scope.v1.Lab/Bulk { grpc_pass grpc://127.0.0.1:${DEAD}; }
  }`,
  [PROXY],
);
const capture = await startCapture(NAME, [PROXY, BACKEND, DEAD]);

const calls: CallRecord[] = [];
const viaProxy = new LabConnection(PROXY, 0, calls);
await unary(viaProxy, { text: 'through nginx' }, { note: 'OK through nginx' });
await unary(
  viaProxy,
  { text: 'not here', fail_with: grpc.status.NOT_FOUND, fail_message: 'no such thing' },
  { note: 'backend answers NOT_FOUND trailers-only; nginx relays it' },
);
await unary(
  viaProxy,
  { text: 'denied', fail_with: grpc.status.PERMISSION_DENIED, fail_message: 'not yours' },
  { note: 'backend answers PERMISSION_DENIED' },
);
await serverStream(
  viaProxy,
  'Watch',
  { topic: 'proxied', count: 4, fail_after: 2, fail_with: grpc.status.UNAVAILABLE },
  { note: 'two events, then UNAVAILABLE in real trailers, relayed by nginx' },
);
await unary(viaProxy, { text: 'again' }, { note: 'OK again' });
await serverStream(
  viaProxy,
  'Bulk',
  { count: 2, size: 64 },
  { note: 'the Bulk route has no live backend: nginx answers 502 itself' },
);
await unary(viaProxy, { text: 'still fine' }, { note: 'OK after the 502: the client connection stays up' });

viaProxy.close();
await new Promise((resolve) => setTimeout(resolve, 200));
await nginx.stop();
await stopLabServer(server);
await capture.stop();
log(calls.map((c) => `${c.method} ${c.statusName} ${c.message}`).join('\n'));

emitMeta(import.meta.url, {
  description:
    `grpc-js 1.14.7 client -> nginx 1.22.1 (grpc_pass, h2c listener on ${PROXY}) -> grpc-js Lab server ` +
    `(${BACKEND}, upstream keepalive): Echo OK, Echo NOT_FOUND, Echo PERMISSION_DENIED, Watch with two events ` +
    `then UNAVAILABLE in trailers, Echo OK, then Bulk, routed by nginx to ${DEAD} where nothing listens: nginx answers :status 502 ` +
    `(text/html) itself and grpc-js reports UNAVAILABLE; then Echo OK on the same client connection.`,
  ports: [PROXY, BACKEND, DEAD],
  expect: {
    proxy: { software: 'nginx 1.22.1', listen: PROXY, upstream: BACKEND, deadUpstream: DEAD, deadRoute: '/scope.v1.Lab/Bulk' },
    calls,
  },
});
