// Compressed reflection responses: a Python grpcio (C-core 1.51) Lab server created with
// compression=grpc.Compression.Gzip (grpc-encoding gzip; C-core compresses each message gzip shrinks), with a ServerReflectionInfo
// handler (lab.py --reflection: Debian has no grpcio-reflection) serving scope.proto's FileDescriptorProto as
// @grpc/proto-loader serializes it. One grpc-js channel: an Echo before any reflection, then a grpcurl-like
// v1 reflection call (list_services, file_containing_symbol scope.v1.Lab), then Echo and Watch.
import { unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as protoLoader from '@grpc/proto-loader';
import { LabConnection, serverStream, unary, type CallRecord } from '../lib/calls.js';
import { SCOPE_PROTO } from '../lib/codec.js';
import { emitMeta } from '../lib/meta.js';
import { startPythonServer } from '../lib/python.js';
import { reflect, type ReflectionRecord } from '../lib/reflection-client.js';

const PORT = 50119;
const labPackage = protoLoader.loadSync(SCOPE_PROTO, { keepCase: true });
const files = (labPackage['scope.v1.EchoRequest'] as unknown as { fileDescriptorProtos: Buffer[] }).fileDescriptorProtos;
const filesPath = join(tmpdir(), `h2scope-reflection-${process.pid}.bin`);
writeFileSync(
  filesPath,
  Buffer.concat(files.flatMap((f) => [Buffer.from([f.length >>> 24, (f.length >>> 16) & 255, (f.length >>> 8) & 255, f.length & 255]), f])),
);
const server = await startPythonServer(PORT, ['--gzip', '--reflection', filesPath]);

const calls: CallRecord[] = [];
const reflections: ReflectionRecord[] = [];
const conn = new LabConnection(PORT, 0, calls);

await unary(conn, { text: 'before reflection', id: '1', labels: ['a'] }, { note: 'before any reflection' });
await reflect(PORT, 'v1', [{ host: '', list_services: '' }, { host: '', file_containing_symbol: 'scope.v1.Lab' }], calls, reflections);
await unary(conn, { text: 'after reflection', id: '2', mood: 'MOOD_CALM', deltas: [-1, 2] }, { note: 'after reflection' });
await serverStream(conn, 'Watch', { topic: 'gzip', count: 2, interval_ms: 5 });

conn.close();
await server.stop();
unlinkSync(filesPath);
// C-core answers grpc-encoding gzip and compresses each message gzip shrinks (the FileDescriptorProto).
for (const call of calls) call.responseEncoding = 'gzip';

emitMeta(import.meta.url, {
  description:
    'Python grpcio 1.51 (C-core) Lab server with compression=Gzip (grpc-encoding gzip on every response; the messages gzip shrinks are compressed) and a ' +
    'hand-written grpc.reflection.v1 ServerReflectionInfo handler, grpc-js 1.14.7 client over 127.0.0.1, one ' +
    'connection: Echo, then ServerReflectionInfo (list_services, file_containing_symbol scope.v1.Lab: ' +
    'the FileDescriptorProto response is gzip-compressed), then Echo and Watch.',
  ports: [PORT],
  expect: { tcpConnections: 1, calls, reflection: reflections },
});
