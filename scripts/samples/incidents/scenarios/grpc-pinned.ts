// Calls pinned to one connection: a grpc-js client holds two channels to the same server address (each
// with its own subchannel, so two TCP connections), connects both, and sends all 12 Echo calls on the first.
import { LabConnection, unary, type CallRecord } from '../../grpc/lib/calls.js';
import { emitMeta } from '../../grpc/lib/meta.js';
import { startLabServer, stopLabServer } from '../../grpc/lib/server.js';

const PORT = 50403;
const CALLS = 12;
const server = await startLabServer({ port: PORT });
const calls: CallRecord[] = [];
const options = { 'grpc.use_local_subchannel_pool': 1 };
const busy = new LabConnection(PORT, 0, calls, options);
const idle = new LabConnection(PORT, 1, calls, options);
const ready = (conn: LabConnection): Promise<void> =>
  new Promise((done, fail) =>
    conn.client.waitForReady(Date.now() + 5000, (error) => (error ? fail(error) : done())),
  );
await ready(busy);
await ready(idle); // connected (preface and SETTINGS) but never used
for (let i = 0; i < CALLS; i++) await unary(busy, { text: `request ${i}`, id: String(i) });
busy.close();
idle.close();
await stopLabServer(server);

emitMeta(import.meta.url, {
  description:
    'grpc-js 1.14.7 client and server over 127.0.0.1: two channels to the same address (local subchannel ' +
    `pools), both connected first, then ${CALLS} sequential Echo calls all on the first channel; the ` +
    'second connection carries no call.',
  ports: [PORT],
  expect: { tcpConnections: 2, callsPerConnection: [CALLS, 0], calls },
});
