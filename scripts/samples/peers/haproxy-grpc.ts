// HAProxy 2.6 in HTTP mode with HTTP/2 on both sides (`bind ... proto h2`, `server ... proto h2`): a grpc-js
// client -> HAProxy -> grpc-js Lab server, both legs captured on lo. The Bulk route goes to a backend whose
// only server does not listen, so HAProxy answers that call itself (HTTP 503, text/html) and grpc-js
// reports UNAVAILABLE.
import * as grpc from '@grpc/grpc-js';
import { LabConnection, bidi, serverStream, unary, type CallRecord } from '../grpc/lib/calls.js';
import { log } from '../grpc/lib/meta.js';
import { startLabServer, stopLabServer } from '../grpc/lib/server.js';
import { startCapture } from './lib/capture.js';
import { startHaproxy } from './lib/haproxy.js';
import { emitPeerMeta } from './lib/meta.js';

const NAME = 'peer-haproxy-grpc';
const PROXY = 50720; // HAProxy frontend
const BACKEND = 50721; // grpc-js Lab server
const DEAD = 50723; // nothing listens: the Bulk route's server

const server = await startLabServer({ port: BACKEND, name: 'backend' });
const haproxy = await startHaproxy(
  `
frontend grpc_in
  bind 127.0.0.1:${PROXY} proto h2
  acl is_bulk path /scope.v1.Lab/Bulk
  use_backend dead if is_bulk
  default_backend lab
backend lab
  server lab1 127.0.0.1:${BACKEND} proto h2
backend dead
  retries 0
  server gone 127.0.0.1:${DEAD} proto h2`,
  [PROXY],
);
const capture = await startCapture(NAME, [PROXY, BACKEND, DEAD]);

const calls: CallRecord[] = [];
const conn = new LabConnection(PROXY, 0, calls);
await unary(conn, { text: 'through haproxy' }, { note: 'OK through HAProxy' });
await unary(
  conn,
  { text: 'boom', fail_with: grpc.status.INTERNAL, fail_message: 'backend fault' },
  { note: 'backend answers INTERNAL trailers-only; HAProxy relays it' },
);
await bidi(conn, [{ text: 'one' }, { text: 'two' }, { text: 'three' }], { note: 'bidi Chat, three round trips' });
await serverStream(
  conn,
  'Watch',
  { topic: 'proxied', count: 4, fail_after: 2, fail_with: grpc.status.RESOURCE_EXHAUSTED },
  { note: 'two events, then RESOURCE_EXHAUSTED in real trailers' },
);
await serverStream(conn, 'Bulk', { count: 2, size: 64 }, { note: 'no live server for Bulk: HAProxy answers 503 itself' });
await unary(conn, { text: 'still fine' }, { note: 'OK after the 503: the client connection stays up' });

conn.close();
await new Promise((resolve) => setTimeout(resolve, 200));
await haproxy.stop();
await stopLabServer(server);
await capture.stop();
log(calls.map((c) => `${c.method} ${c.statusName} ${c.message}`).join('\n'));

emitPeerMeta(import.meta.url, {
  description:
    `grpc-js 1.14.7 client -> HAProxy 2.6.12 (mode http, bind ${PROXY} proto h2) -> grpc-js Lab server ` +
    `(${BACKEND}, server proto h2): Echo OK, Echo INTERNAL (trailers-only), Chat with three round trips, Watch ` +
    `with two events then RESOURCE_EXHAUSTED in trailers, then Bulk, routed to a backend whose server (${DEAD}) ` +
    'does not listen: HAProxy answers :status 503 itself and grpc-js reports UNAVAILABLE; then Echo OK.',
  ports: [PROXY, BACKEND, DEAD],
  expect: {
    proxy: { software: 'HAProxy 2.6.12', listen: PROXY, upstream: BACKEND, deadUpstream: DEAD, deadRoute: '/scope.v1.Lab/Bulk' },
    calls,
  },
});
