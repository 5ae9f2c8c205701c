// A grpc-js Lab server with @grpc/reflection 1.0.4 (grpc.reflection.v1 and v1alpha) on one port. One grpc-js
// channel: two Echo calls before any reflection, then a reflection client in the spirit of grpcurl
// (v1 ServerReflectionInfo: list_services, file_containing_symbol scope.v1.Lab; then v1alpha:
// file_containing_symbol scope.v1.EchoRequest), then Echo, Watch, Upload and Chat. The reflection client
// shares the Lab client's channel options, so grpc-js puts every call on the same subchannel (one TCP
// connection), as a tool probing a live service would.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import protobuf from 'protobufjs';
import descriptor from 'protobufjs/ext/descriptor.js';
import { LabConnection, bidi, clientStream, serverStream, unary, type CallRecord } from '../lib/calls.js';
import { SCOPE_PROTO } from '../lib/codec.js';
import { emitMeta } from '../lib/meta.js';
import { startLabServer, stopLabServer } from '../lib/server.js';

const PORT = 50118;
const require = createRequire(import.meta.url);
// @grpc/reflection ships its reflection.proto files next to its build (build/proto/grpc/reflection/...).
const REFLECTION_PROTO_DIR = join(dirname(require.resolve('@grpc/reflection')), '..', 'proto');
const { ReflectionService } = (await import('@grpc/reflection')) as {
  ReflectionService: new (pkg: protoLoader.PackageDefinition) => { addToServer(s: grpc.Server): void };
};

const labPackage = protoLoader.loadSync(SCOPE_PROTO, { keepCase: true });
const reflection = new ReflectionService(labPackage);
const server = await startLabServer({ port: PORT, addServices: (s) => reflection.addToServer(s) });

const calls: CallRecord[] = [];
const conn = new LabConnection(PORT, 0, calls);

await unary(conn, { text: 'before reflection 1', id: '1', labels: ['a'] }, { note: 'before any reflection' });
await unary(conn, { text: 'before reflection 2', id: '2', mood: 'MOOD_BUSY' }, { note: 'before any reflection' });

interface ReflectionRecord {
  method: string;
  /** Services named by list_services responses. */
  services: string[];
  /** FileDescriptorProtos in file_descriptor_response messages, by file name. */
  files: { name: string; size: number; sha256: string }[];
}
const reflectionCalls: ReflectionRecord[] = [];

/** Message records like codec.ts's describeBytes, for the reflection types (not in scope.proto). */
function describe(type: protobuf.Type, bytes: Uint8Array): CallRecord['requests'][number] {
  const record: CallRecord['requests'][number] = { size: bytes.length };
  if (bytes.length <= 4096) record.json = type.toObject(type.decode(bytes), { longs: String, bytes: String });
  if (bytes.length <= 256) record.hex = Buffer.from(bytes).toString('hex');
  else record.sha256 = createHash('sha256').update(bytes).digest('hex');
  return record;
}

/** A grpcurl-like reflection client: one ServerReflectionInfo call, each request after the previous reply. */
async function reflect(version: 'v1' | 'v1alpha', requests: object[]): Promise<void> {
  const root = new protobuf.Root().loadSync(join(REFLECTION_PROTO_DIR, `grpc/reflection/${version}/reflection.proto`), {
    keepCase: true,
  });
  const requestType = root.lookupType(`grpc.reflection.${version}.ServerReflectionRequest`);
  const responseType = root.lookupType(`grpc.reflection.${version}.ServerReflectionResponse`);
  // The same target and options as LabConnection: grpc-js reuses that channel's subchannel (connection).
  const client = new grpc.Client(`127.0.0.1:${PORT}`, grpc.credentials.createInsecure(), { 'grpc.enable_http_proxy': 0 });
  const path = `/grpc.reflection.${version}.ServerReflection/ServerReflectionInfo`;
  const call: CallRecord = { connection: 0, method: path, requests: [], responses: [], status: -1, statusName: '', message: '' };
  calls.push(call);
  const record: ReflectionRecord = { method: path, services: [], files: [] };
  reflectionCalls.push(record);
  await new Promise<void>((resolve) => {
    const stream = client.makeBidiStreamRequest(
      path,
      (value: object) => {
        const bytes = Buffer.from(requestType.encode(requestType.fromObject(value)).finish());
        call.requests.push(describe(requestType, bytes));
        return bytes;
      },
      (bytes: Buffer) => {
        call.responses.push(describe(responseType, bytes));
        return responseType.toObject(responseType.decode(bytes), { longs: String }) as Response;
      },
      new grpc.Metadata(),
      {},
    );
    let next = 0;
    const sendNext = (): void => {
      const request = requests[next++];
      if (request === undefined) stream.end();
      else stream.write(request);
    };
    stream.on('data', (response: Response) => {
      for (const s of response.list_services_response?.service ?? []) record.services.push(s.name);
      for (const bytes of response.file_descriptor_response?.file_descriptor_proto ?? []) {
        const file = descriptor.FileDescriptorProto.decode(bytes) as unknown as { name: string };
        record.files.push({ name: file.name, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
      }
      sendNext();
    });
    stream.on('error', () => undefined); // the outcome is read from 'status'
    stream.on('status', (status: grpc.StatusObject) => {
      call.status = status.code;
      call.statusName = grpc.status[status.code] ?? String(status.code);
      call.message = status.details;
      resolve();
    });
    sendNext();
  });
  client.close();
}
interface Response {
  list_services_response?: { service: { name: string }[] };
  file_descriptor_response?: { file_descriptor_proto: Uint8Array[] };
}

await reflect('v1', [{ host: '', list_services: '' }, { host: '', file_containing_symbol: 'scope.v1.Lab' }]);
await reflect('v1alpha', [{ host: '', file_containing_symbol: 'scope.v1.EchoRequest' }]);

await unary(
  conn,
  { text: 'after reflection', id: '3', mood: 'MOOD_CALM', deltas: [-1, 2], counters: { hits: '7' }, origin: { x: 1, y: 2 } },
  { note: 'after reflection' },
);
await unary(conn, { text: 'fail after reflection', fail_with: grpc.status.NOT_FOUND, fail_message: 'no such id' });
await serverStream(conn, 'Watch', { topic: 'reflection', count: 3, interval_ms: 5 });
await clientStream(conn, [0, 1].map((index) => ({ index, data: Buffer.from(`chunk ${index}`), last: index === 1 })));
await bidi(conn, ['hi', 'bye'].map((text, i) => ({ from: 'carol', text, seq: i + 1, attrs: { lang: 'en' } })));

conn.close();
await stopLabServer(server);

emitMeta(import.meta.url, {
  description:
    'grpc-js 1.14.7 Lab server with @grpc/reflection 1.0.4 (v1 and v1alpha) over 127.0.0.1, one connection: ' +
    'two Echo calls, then grpc.reflection.v1 ServerReflectionInfo (list_services, file_containing_symbol ' +
    'scope.v1.Lab) and grpc.reflection.v1alpha ServerReflectionInfo (file_containing_symbol ' +
    'scope.v1.EchoRequest) from a grpc-js reflection client, then Echo (OK and NOT_FOUND), Watch, Upload and Chat.',
  ports: [PORT],
  expect: { tcpConnections: 1, calls, reflection: reflectionCalls },
});
