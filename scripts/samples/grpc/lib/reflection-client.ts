// A grpcurl-like gRPC server reflection client (grpc.reflection.v1 / v1alpha ServerReflectionInfo) for the
// reflection samples: one call, each request sent after the previous reply, every message recorded.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import descriptor from 'protobufjs/ext/descriptor.js';
import type { CallRecord } from './calls.js';

const require = createRequire(import.meta.url);
// @grpc/reflection ships its reflection.proto files next to its build (build/proto/grpc/reflection/...).
const REFLECTION_PROTO_DIR = join(dirname(require.resolve('@grpc/reflection')), '..', 'proto');

export interface ReflectionRecord {
  method: string;
  /** Services named by list_services responses. */
  services: string[];
  /** FileDescriptorProtos in file_descriptor_response messages, by file name. */
  files: { name: string; size: number; sha256: string }[];
}

interface Response {
  list_services_response?: { service: { name: string }[] };
  file_descriptor_response?: { file_descriptor_proto: Uint8Array[] };
}

/** Message records like codec.ts's describeBytes, for the reflection types (not in scope.proto). */
function describe(type: protobuf.Type, bytes: Uint8Array): CallRecord['requests'][number] {
  const record: CallRecord['requests'][number] = { size: bytes.length };
  if (bytes.length <= 4096) record.json = type.toObject(type.decode(bytes), { longs: String, bytes: String });
  if (bytes.length <= 256) record.hex = Buffer.from(bytes).toString('hex');
  else record.sha256 = createHash('sha256').update(bytes).digest('hex');
  return record;
}

/**
 * One ServerReflectionInfo call to 127.0.0.1:port with `requests`, recorded in `calls` and `reflections`.
 * The same target and options as LabConnection: grpc-js reuses that channel's subchannel (connection).
 */
export async function reflect(
  port: number,
  version: 'v1' | 'v1alpha',
  requests: object[],
  calls: CallRecord[],
  reflections: ReflectionRecord[],
): Promise<void> {
  const root = new protobuf.Root().loadSync(join(REFLECTION_PROTO_DIR, `grpc/reflection/${version}/reflection.proto`), {
    keepCase: true,
  });
  const requestType = root.lookupType(`grpc.reflection.${version}.ServerReflectionRequest`);
  const responseType = root.lookupType(`grpc.reflection.${version}.ServerReflectionResponse`);
  const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), { 'grpc.enable_http_proxy': 0 });
  const path = `/grpc.reflection.${version}.ServerReflection/ServerReflectionInfo`;
  const call: CallRecord = { connection: 0, method: path, requests: [], responses: [], status: -1, statusName: '', message: '' };
  calls.push(call);
  const record: ReflectionRecord = { method: path, services: [], files: [] };
  reflections.push(record);
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
