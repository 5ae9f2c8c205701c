// Load imbalance that starts after a minute, on channels that stay open: one client process holds a
// channel per backend and sends one Echo call a second for 80 s; the first 20 calls go round the three
// backends, then 9 calls in 10 go to backend-a. Longer than the live window (60 s): the imbalance is
// raised while the channels are open (src/analysis/live-imbalance.ts), and --threads N must say the same.
import { setTimeout as sleep } from 'node:timers/promises';
import { LabConnection, unary, type CallRecord } from '../lib/calls.js';
import { emitMeta } from '../lib/meta.js';
import { startLabServer, stopLabServer } from '../lib/server.js';

const PORTS = [50130, 50131, 50132] as const;
const NAMES = ['backend-a', 'backend-b', 'backend-c'];
const CALLS = 80;
const EVEN = 20;
const EVERY_MS = 1000;

/** Call index -> backend index. */
function route(i: number): number {
  if (i < EVEN) return i % 3;
  return i % 10 === 4 ? 1 : i % 10 === 9 ? 2 : 0;
}

const servers = await Promise.all(PORTS.map((port, i) => startLabServer({ port, name: NAMES[i] })));
const calls: CallRecord[] = [];
// Channels connect at their first call: a (call 0), b (call 1), c (call 2) = connection order 0, 1, 2.
const conns = PORTS.map((port, i) => new LabConnection(port, i, calls));
const perBackend = [0, 0, 0];
const started = Date.now();
for (let i = 0; i < CALLS; i++) {
  const backend = route(i);
  perBackend[backend]!++;
  await unary(conns[backend]!, { text: `request ${i}`, id: String(i) }, { note: `to ${NAMES[backend]}` });
  await sleep(Math.max(0, started + (i + 1) * EVERY_MS - Date.now()));
}
for (const conn of conns) conn.close();
await Promise.all(servers.map(stopLabServer));

emitMeta(import.meta.url, {
  description:
    'grpc-js 1.14.7: three servers (backend-a/b/c on 127.0.0.1:50130/50131/50132) and one client with a ' +
    `channel per backend sending ${CALLS} Echo calls one second apart: the first ${EVEN} round the backends, ` +
    'then 9 in 10 to backend-a (EchoReply.served_by names the backend). The channels stay open for the ' +
    'whole 80 s, longer than the 60 s imbalance window.',
  ports: [...PORTS],
  expect: {
    tcpConnections: 3,
    callsPerBackend: Object.fromEntries(NAMES.map((n, i) => [n, perBackend[i]])),
    callsPerPort: Object.fromEntries(PORTS.map((p, i) => [p, perBackend[i]])),
    calls,
  },
});
