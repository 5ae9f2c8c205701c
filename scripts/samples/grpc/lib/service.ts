// The Lab service as grpc-js sees it: loaded with @grpc/proto-loader from scripts/samples/protos/scope.proto.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { SCOPE_PROTO } from './codec.js';

/** proto field names, int64 as strings, enums by name: the same shape codec.ts describes. */
const packageDefinition = protoLoader.loadSync(SCOPE_PROTO, {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: false,
  oneofs: true,
});

const loaded = grpc.loadPackageDefinition(packageDefinition) as unknown as {
  scope: { v1: { Lab: grpc.ServiceClientConstructor } };
};

export const LabClient = loaded.scope.v1.Lab;
export const labService: grpc.ServiceDefinition = LabClient.service;

export type MethodName = 'Echo' | 'Watch' | 'Upload' | 'Chat' | 'Bulk';

/** Fully-qualified protobuf type names per method, for codec.ts. */
export const METHOD_TYPES: Record<MethodName, { request: string; response: string }> = {
  Echo: { request: 'scope.v1.EchoRequest', response: 'scope.v1.EchoReply' },
  Watch: { request: 'scope.v1.WatchRequest', response: 'scope.v1.Event' },
  Upload: { request: 'scope.v1.Chunk', response: 'scope.v1.UploadSummary' },
  Chat: { request: 'scope.v1.ChatMessage', response: 'scope.v1.ChatMessage' },
  Bulk: { request: 'scope.v1.BulkRequest', response: 'scope.v1.BulkChunk' },
};

export function methodPath(method: MethodName): string {
  const definition = labService[method];
  if (definition === undefined) throw new Error(`Lab has no method ${method}`);
  return definition.path;
}

export type Mood = 'MOOD_UNSPECIFIED' | 'MOOD_CALM' | 'MOOD_BUSY' | 'MOOD_ANGRY';
export interface Point {
  x?: number;
  y?: number;
}
export interface EchoRequest {
  text?: string;
  id?: string;
  weight?: number;
  mood?: Mood;
  labels?: string[];
  deltas?: number[];
  counters?: Record<string, string>;
  origin?: Point;
  blob?: Buffer;
  note?: string;
  target?: Point;
  fail_with?: number;
  fail_message?: string;
  sleep_ms?: number;
}
export interface EchoReply {
  echo?: EchoRequest;
  served_by?: string;
  sequence?: string;
  text_length?: number;
  had_blob?: boolean;
  ratio?: number;
}
export interface WatchRequest {
  topic?: string;
  count?: number;
  interval_ms?: number;
  fail_after?: number;
  fail_with?: number;
}
export interface Tag {
  key?: string;
  value?: string;
}
export interface Event {
  seq?: string;
  topic?: string;
  mood?: Mood;
  tags?: Tag[];
  offset?: string;
  data?: Buffer;
}
export interface Chunk {
  index?: number;
  data?: Buffer;
  last?: boolean;
}
export interface UploadSummary {
  chunks?: number;
  total_bytes?: string;
  sizes?: number[];
  checksum?: number;
}
export interface ChatMessage {
  from?: string;
  text?: string;
  seq?: number;
  attrs?: Record<string, string>;
}
export interface BulkRequest {
  count?: number;
  size?: number;
  interval_ms?: number;
}
export interface BulkChunk {
  index?: number;
  data?: Buffer;
}

/** Byte i of bulk chunk k (scope.proto BulkChunk.data). */
export function bulkData(k: number, size: number): Buffer {
  const data = Buffer.alloc(size);
  for (let i = 0; i < size; i++) data[i] = (k + i) % 251;
  return data;
}
