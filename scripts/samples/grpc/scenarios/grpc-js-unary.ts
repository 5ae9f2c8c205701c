// grpc-js client -> grpc-js server on one connection: Echo calls with custom metadata (text and -bin),
// then an error whose grpc-message needs percent-encoding, then one with grpc-status-details-bin.
import * as grpc from '@grpc/grpc-js';
import { LabConnection, unary, type CallRecord } from '../lib/calls.js';
import { emitMeta } from '../lib/meta.js';
import { startLabServer, stopLabServer } from '../lib/server.js';
import { statusDetails } from '../lib/status-details.js';

const PORT = 50101;
const UNICODE_MESSAGE = 'résumé ✓ failed';
const DETAILS_MESSAGE = 'quota exceeded for tenant lab';
const details = statusDetails(grpc.status.RESOURCE_EXHAUSTED, DETAILS_MESSAGE);

const server = await startLabServer({
  port: PORT,
  errorTrailers: (request) => {
    if (request.fail_with !== grpc.status.RESOURCE_EXHAUSTED) return undefined;
    const trailers = new grpc.Metadata();
    trailers.set('grpc-status-details-bin', details.bytes);
    return trailers;
  },
});
const calls: CallRecord[] = [];
const conn = new LabConnection(PORT, 0, calls);

await unary(
  conn,
  {
    text: 'hello',
    id: '1',
    weight: 1.5,
    mood: 'MOOD_CALM',
    labels: ['alpha', 'beta'],
    deltas: [-3, 0, 7],
    counters: { hits: '42', misses: '-1' },
    origin: { x: 1, y: -2.5 },
    note: 'first call',
  },
  { metadata: { 'x-trace-id': 'trace-0001', 'x-tenant': 'lab' } },
);
await unary(
  conn,
  { text: 'binary', id: '9007199254740993', blob: Buffer.from([0, 1, 2, 0xfe, 0xff]), target: { x: 3, y: 4 } },
  {
    metadata: { 'x-trace-id': 'trace-0002', 'x-blob-bin': Buffer.from([0x00, 0x0a, 0xff, 0x80, 0x41]) },
    note: 'int64 above 2^53; x-blob-bin comes back reversed as trailer x-reply-bin',
  },
);
await unary(
  conn,
  { text: 'ünïcödé ✓ 日本', id: '-42', mood: 'MOOD_ANGRY', labels: ['x', 'y', 'z', 'w'] },
  { metadata: { 'x-trace-id': 'trace-0003', 'x-label-bin': Buffer.from('ünïcödé', 'utf8') } },
);
await unary(
  conn,
  { text: 'fail please', fail_with: grpc.status.FAILED_PRECONDITION, fail_message: UNICODE_MESSAGE },
  { metadata: { 'x-trace-id': 'trace-0004' }, note: 'grpc-message is percent-encoded UTF-8 on the wire' },
);
await unary(
  conn,
  { text: 'over quota', fail_with: grpc.status.RESOURCE_EXHAUSTED, fail_message: DETAILS_MESSAGE },
  { metadata: { 'x-trace-id': 'trace-0005' }, note: 'trailers carry grpc-status-details-bin' },
);

conn.close();
await stopLabServer(server);

emitMeta(import.meta.url, {
  description:
    'grpc-js 1.14.7 client and server over 127.0.0.1, one connection: three Echo calls with custom metadata ' +
    '(x-trace-id, -bin keys), a FAILED_PRECONDITION with a percent-encoded non-ASCII grpc-message, and a ' +
    'RESOURCE_EXHAUSTED carrying grpc-status-details-bin (google.rpc.Status with ErrorInfo, RetryInfo, BadRequest).',
  ports: [PORT],
  expect: {
    tcpConnections: 1,
    calls,
    grpcMessageOnWire: encodeURI(UNICODE_MESSAGE),
    statusDetails: { hex: details.bytes.toString('hex'), json: details.json },
  },
});
