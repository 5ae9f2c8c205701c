/**
 * A long-running grpc-js client that pings too often, for watching the TUI follow a live capture
 * (docs/tui.md, "Following a live capture"): a strict Python grpcio server (min ping interval without data
 * 5 min, 2 strikes) and a grpc-js channel with keepalive PINGs every second that makes one call every
 * `--every` ms. The server soon sends GOAWAY ENHANCE_YOUR_CALM "too_many_pings"; grpc-js reconnects for the
 * next call, and the new connection stays open until `--seconds` have passed.
 *
 *   tcpdump -i lo -U -s 0 -w - tcp port 50419 | node bin/h2scope.js -      (in one terminal)
 *   node --import tsx scripts/bench/live-pings.ts [--port 50419] [--seconds 120] [--every 3000]
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { LabConnection, unary, type CallRecord } from '../samples/grpc/lib/calls.js';
import { startPythonServer } from '../samples/grpc/lib/python.js';

function arg(name: string, fallback: string): number {
  const i = process.argv.indexOf(name);
  return Number(i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback);
}

const port = arg('--port', '50419');
const seconds = arg('--seconds', '120');
const every = arg('--every', '3000');
const server = await startPythonServer(port, ['--strict-pings']);
const calls: CallRecord[] = [];
const conn = new LabConnection(port, 0, calls, {
  'grpc.keepalive_time_ms': 1000,
  'grpc.keepalive_timeout_ms': 500,
  'grpc.keepalive_permit_without_calls': 1,
});
const until = Date.now() + seconds * 1000;
let n = 0;
while (Date.now() < until) {
  await unary(conn, { text: `call ${++n}` }).catch(() => undefined);
  await sleep(every);
}
conn.close();
await server.stop();
console.log(`${n} calls`);
