// Load imbalance across three backends: one client process holds a channel per backend and sends 20 Echo
// calls, 18 of them to backend-a (a skewed picker, as after a sticky or misconfigured balancer).
import { LabConnection, unary, type CallRecord } from '../lib/calls.js';
import { emitMeta } from '../lib/meta.js';
import { startLabServer, stopLabServer } from '../lib/server.js';

const PORTS = [50115, 50116, 50117] as const;
const NAMES = ['backend-a', 'backend-b', 'backend-c'];
const CALLS = 20;
/** Call index -> backend index; every other call goes to backend-a. */
const ROUTE: Record<number, number> = { 5: 1, 12: 2 };

const servers = await Promise.all(PORTS.map((port, i) => startLabServer({ port, name: NAMES[i] })));
const calls: CallRecord[] = [];
// Channels connect at their first call: a (call 0), b (call 5), c (call 12) = connection order 0, 1, 2.
const conns = PORTS.map((port, i) => new LabConnection(port, i, calls));

for (let i = 0; i < CALLS; i++) {
  const backend = ROUTE[i] ?? 0;
  await unary(conns[backend]!, { text: `request ${i}`, id: String(i) }, { note: `to ${NAMES[backend]}` });
}
for (const conn of conns) conn.close();
await Promise.all(servers.map(stopLabServer));

emitMeta(import.meta.url, {
  description:
    'grpc-js 1.14.7: three servers (backend-a/b/c on 127.0.0.1:50115/50116/50117) and one client with a ' +
    `channel per backend sending ${CALLS} sequential Echo calls: call 5 to backend-b, call 12 to backend-c, ` +
    'the other 18 to backend-a (EchoReply.served_by names the backend).',
  ports: [...PORTS],
  expect: {
    tcpConnections: 3,
    callsPerBackend: { 'backend-a': 18, 'backend-b': 1, 'backend-c': 1 },
    callsPerPort: { [PORTS[0]]: 18, [PORTS[1]]: 1, [PORTS[2]]: 1 },
    calls,
  },
});
