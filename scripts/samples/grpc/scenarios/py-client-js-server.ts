// Python grpcio (C-core 1.51) client -> grpc-js server: unary, server-, client- and bidi-streaming calls.
import { emitMeta } from '../lib/meta.js';
import { runPythonClient } from '../lib/python.js';
import { startLabServer, stopLabServer } from '../lib/server.js';

const PORT = 50106;
const server = await startLabServer({ port: PORT });
const calls = await runPythonClient(PORT);
await stopLabServer(server);

emitMeta(import.meta.url, {
  description:
    'Python grpcio 1.51 (C-core) client -> grpc-js 1.14.7 server over 127.0.0.1, one connection: Echo with ' +
    'x-trace-id and x-blob-bin metadata, Echo failing NOT_FOUND with a non-ASCII grpc-message, Watch (4 events), ' +
    'Upload (3 chunks), Chat (2 messages sent at once). Messages are hand-encoded in Python (py/scope_pb.py).',
  ports: [PORT],
  expect: { tcpConnections: 1, calls },
});
