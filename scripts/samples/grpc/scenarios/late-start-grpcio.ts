// The Python grpcio (C-core) variant of late-start-grpc-js: a grpcio client calls a grpcio server every
// 200 ms on one channel (lab.py ticker); tcpdump starts 3 s after the first call and captures 10 s.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { lateExpect, startCapture, type TickCall } from '../lib/late-capture.js';
import { emitMeta } from '../lib/meta.js';
import { startPythonServer } from '../lib/python.js';

const NAME = 'late-start-grpcio';
const PORT = 50121;
const INTERVAL_S = 0.2;
const CAPTURE_AFTER_MS = 3000;
const CAPTURE_MS = 10_000;
const FAIL_FROM = 20;
const FAIL_EVERY = 8;
const LAB_PY = new URL('../py/lab.py', import.meta.url).pathname;

const server = await startPythonServer(PORT, ['--grace', '0.5']);
const args = ['--port', String(PORT), '--interval', String(INTERVAL_S), '--duration', '14.5'];
args.push('--fail-from', String(FAIL_FROM), '--fail-every', String(FAIL_EVERY));
const client = spawn('/usr/bin/python3', ['-B', LAB_PY, 'ticker', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
let out = '';
client.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
while (!out.includes('FIRST')) await sleep(10);
await sleep(CAPTURE_AFTER_MS);
const capture = await startCapture(NAME, PORT);
await sleep(CAPTURE_MS);
const stoppedMs = await capture.stop();
await once(client, 'exit');
await server.stop();
const calls = out
  .split('\n')
  .filter((line) => line.startsWith('{'))
  .map((line) => JSON.parse(line) as TickCall);

emitMeta(import.meta.url, {
  description:
    'Python grpcio 1.51 (C-core) client -> grpcio server over 127.0.0.1, one long-lived channel calling Echo ' +
    `every ${INTERVAL_S * 1000} ms (lab.py ticker); tcpdump started ${CAPTURE_AFTER_MS} ms after the first call ` +
    `and ran ${CAPTURE_MS} ms: no SYN, no preface, no SETTINGS, and both HPACK tables already hold the entries ` +
    `of the earlier calls (all OK). From call ${FAIL_FROM} on, every ${FAIL_EVERY}th call fails NOT_FOUND with ` +
    'its own grpc-message. Every request has its own traceparent metadata. The channel is still open when ' +
    'the capture ends.',
  ports: [PORT],
  expect: lateExpect(calls, { startedMs: capture.startedMs, stoppedMs }, {
    client: 'grpcio',
    server: 'grpcio',
    intervalMs: INTERVAL_S * 1000,
    failFrom: FAIL_FROM,
    failEvery: FAIL_EVERY,
  }),
  goldenNotes: [
    'The capture starts on an established connection: header blocks that use HPACK dynamic table entries ' +
      'made before the first captured packet cannot be decoded by anyone; tshark shows what it can. What the ' +
      'client saw per call is in meta.json expect.calls.',
  ],
});
