// A server that goes on after the call's deadline: Python grpcio (C-core) server and client with deadline
// checking off on both sides (py/overrun.py says why); 8 Watch events 100 ms apart under a 300 ms deadline.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { CallRecord } from '../../grpc/lib/calls.js';
import { describeBytes } from '../../grpc/lib/codec.js';
import { emitMeta } from '../../grpc/lib/meta.js';

const PORT = 50404;
const DEADLINE_MS = 300;
const COUNT = 8;
const INTERVAL_MS = 100;
const script = fileURLToPath(new URL('../py/overrun.py', import.meta.url));
const args = ['--port', PORT, '--deadline-ms', DEADLINE_MS, '--count', COUNT, '--interval-ms', INTERVAL_MS];
const run = spawnSync('/usr/bin/python3', ['-B', script, ...args.map(String)], { encoding: 'utf8' });
if (run.status !== 0) throw new Error(`overrun.py failed: ${run.stderr}`);

interface PythonCall extends Omit<CallRecord, 'requests' | 'responses'> {
  requests: string[];
  responses: string[];
}
const { calls } = JSON.parse(run.stdout) as { calls: PythonCall[] };
const records: CallRecord[] = calls.map((c) => ({
  ...c,
  requests: c.requests.map((hex) => describeBytes('scope.v1.WatchRequest', Buffer.from(hex, 'hex'))),
  responses: c.responses.map((hex) => describeBytes('scope.v1.Event', Buffer.from(hex, 'hex'))),
}));

emitMeta(import.meta.url, {
  description:
    'Python grpcio 1.51 (C-core) server and client in one process, both with grpc.enable_deadline_checking ' +
    `= 0: one Watch call with a ${DEADLINE_MS} ms deadline (grpc-timeout on the wire) for ${COUNT} events ` +
    `${INTERVAL_MS} ms apart. The handler ignores context.is_active(), the client does not reset at its ` +
    'deadline, so the server streams for about 700 ms after the deadline and ends with grpc-status 0.',
  ports: [PORT],
  expect: { tcpConnections: 1, deadlineMs: DEADLINE_MS, overrunEvents: COUNT, calls: records },
});
