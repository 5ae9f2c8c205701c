// A capture started on an established grpc-js channel: the client calls Echo every 200 ms from the start;
// tcpdump starts 3 s after the first call and captures 10 s. Every call before the capture is OK, so both
// peers' HPACK tables already hold grpc-status: 0, content-type and the like (RFC 7541 §2.3.2) when the
// capture begins. From call 20 on (after the capture started), every 8th call fails NOT_FOUND with its own
// grpc-message, so error statuses are on the wire as literals. Each request carries its own W3C traceparent,
// so the client's encoder inserts a new entry per call and its table provably turns over within the capture.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import * as grpc from '@grpc/grpc-js';
import { LabConnection, unary, type CallRecord } from '../lib/calls.js';
import { lateExpect, startCapture, type TickCall } from '../lib/late-capture.js';
import { emitMeta } from '../lib/meta.js';
import { startLabServer, stopLabServer } from '../lib/server.js';

const NAME = 'late-start-grpc-js';
const PORT = 50120;
const INTERVAL_MS = 200;
const CAPTURE_AFTER_MS = 3000;
const CAPTURE_MS = 10_000;
const FAIL_FROM = 20;
const FAIL_EVERY = 8;

const server = await startLabServer({ port: PORT });
const conn = new LabConnection(PORT, 0, [] as CallRecord[]);
const calls: TickCall[] = [];
let running = true;

async function tick(): Promise<void> {
  const begin = Date.now();
  for (let index = 0; running; index++) {
    const fail = index >= FAIL_FROM && (index - FAIL_FROM) % FAIL_EVERY === 0;
    const request = fail
      ? { text: `tick ${index}`, id: String(index), fail_with: grpc.status.NOT_FOUND, fail_message: `item ${index} not found` }
      : { text: `tick ${index}`, id: String(index) };
    const startedMs = Date.now();
    // A W3C traceparent per call, as traced services send: a new HPACK entry (about 100 octets) each time.
    const traceparent = `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
    const record = await unary(conn, request, { metadata: { traceparent } });
    calls.push({ index, startedMs, endedMs: Date.now(), status: record.status, message: record.message });
    await sleep(Math.max(0, begin + (index + 1) * INTERVAL_MS - Date.now()));
  }
}

const ticking = tick();
while (calls.length === 0) await sleep(10);
await sleep(CAPTURE_AFTER_MS);
const capture = await startCapture(NAME, PORT);
await sleep(CAPTURE_MS);
const stoppedMs = await capture.stop();
running = false;
await ticking;
conn.close();
await stopLabServer(server);

emitMeta(import.meta.url, {
  description:
    `grpc-js 1.14.7 client -> grpc-js server over 127.0.0.1, one long-lived channel calling Echo every ` +
    `${INTERVAL_MS} ms; tcpdump started ${CAPTURE_AFTER_MS} ms after the first call and ran ${CAPTURE_MS} ms, so ` +
    'the capture has no SYN, no preface and no SETTINGS, and both HPACK tables already hold the entries of ' +
    `the earlier calls (all OK). From call ${FAIL_FROM} on, every ${FAIL_EVERY}th call fails NOT_FOUND with its ` +
    'own grpc-message. Every request has its own traceparent metadata. The channel is still open when the ' +
    'capture ends.',
  ports: [PORT],
  expect: lateExpect(calls, { startedMs: capture.startedMs, stoppedMs }, {
    client: 'grpc-js',
    server: 'grpc-js',
    intervalMs: INTERVAL_MS,
    failFrom: FAIL_FROM,
    failEvery: FAIL_EVERY,
  }),
  goldenNotes: [
    'The capture starts on an established connection: header blocks that use HPACK dynamic table entries ' +
      'made before the first captured packet cannot be decoded by anyone; tshark shows what it can. What the ' +
      'client saw per call is in meta.json expect.calls.',
  ],
});
