// grpc-js client keepalive pings every second against a strict Python grpcio server (min ping interval
// without data 5 min, at most 2 strikes): the server answers GOAWAY ENHANCE_YOUR_CALM "too_many_pings".
import * as grpc from '@grpc/grpc-js';
import { setTimeout as sleep } from 'node:timers/promises';
import { LabConnection, unary, type CallRecord } from '../lib/calls.js';
import { emitMeta } from '../lib/meta.js';
import { startPythonServer } from '../lib/python.js';

const PORT = 50109;
const GIVE_UP_MS = 10_000;
const server = await startPythonServer(PORT, ['--strict-pings']);
const calls: CallRecord[] = [];
const conn = new LabConnection(PORT, 0, calls, {
  'grpc.keepalive_time_ms': 1000,
  'grpc.keepalive_timeout_ms': 500,
  'grpc.keepalive_permit_without_calls': 1,
});

await unary(conn, { text: 'one call, then idle pings' });
// The GOAWAY moves the channel out of READY (grpc-js then doubles its keepalive time).
const deadline = Date.now() + GIVE_UP_MS;
const channel = conn.client.getChannel();
while (channel.getConnectivityState(false) === grpc.connectivityState.READY && Date.now() < deadline) {
  await sleep(100);
}
const left = channel.getConnectivityState(false) !== grpc.connectivityState.READY;
await sleep(300);
conn.close();
await server.stop();
if (!left) throw new Error('the server never sent GOAWAY: no too_many_pings within 10 s');

emitMeta(import.meta.url, {
  description:
    'grpc-js 1.14.7 client (grpc.keepalive_time_ms 1000, keepalive_timeout_ms 500, ' +
    'keepalive_permit_without_calls 1) -> Python grpcio 1.51 server (grpc.http2.min_ping_interval_without_data_ms ' +
    '300000, grpc.http2.max_ping_strikes 2) over 127.0.0.1: one Echo, then idle keepalive PINGs about 1 s ' +
    'apart until the server sends GOAWAY ENHANCE_YOUR_CALM (0xb) with debug data "too_many_pings".',
  ports: [PORT],
  expect: { tcpConnections: 1, calls },
});
