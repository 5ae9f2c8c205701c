/**
 * What the sample generator (scripts/samples/grpc/) recorded about each gRPC sample: samples/NAME.meta.json
 * `expect` (the calls it made, the messages it sent, what tshark saw per stream) and samples/NAME.golden.json
 * `grpc` (tshark's gRPC dissector: one entry per message). Shapes as written by the generator; only the
 * fields the call tests read are typed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CallKind, CallOutcome, CallRecord } from '../../src/records/records.js';
import type { Decoded } from '../helpers/decode.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const SAMPLES = `${REPO}samples/`;
export const SCOPE_PROTO = `${REPO}scripts/samples/protos/scope.proto`;

/** Every gRPC sample (scripts/samples/grpc/run-all.sh), by name. */
export const GRPC_SAMPLES = readdirSync(SAMPLES)
  .filter((f) => /^(grpc-|py-client-js-server|js-client-py-server)/.test(f) && f.endsWith('.meta.json'))
  // Each call of grpc-js-connect-proxy is on the wire twice (client to proxy in the tunnel, proxy to
  // server): test/session/connect-tunnel.test.ts checks both legs against its meta.json.
  .filter((f) => f !== 'grpc-js-connect-proxy.meta.json')
  .map((f) => f.slice(0, -'.meta.json'.length))
  .sort();

export type MetaValue = string | { bytesHex: string };

export interface MetaMessage {
  /** Serialized size before compression. */
  size: number;
  /** The message in protobuf's JSON form with the .proto's field names (snake_case), defaults omitted. */
  json?: Record<string, unknown>;
  hex?: string;
  sha256?: string;
}

export interface MetaCall {
  /** Index of the TCP connection, -1 when the call never reached the wire. */
  connection: number;
  method: string;
  requests: MetaMessage[];
  responses: MetaMessage[];
  /** What the client application saw. */
  status: number;
  statusName: string;
  message: string;
  /** grpc-status on the wire; null when the client synthesized the status (deadline, cancel). */
  wireStatus?: number | null;
  tcpStream?: number;
  stream?: number;
  cancelledByClient?: boolean;
  requestEncoding?: string;
  requestMetadata?: Record<string, MetaValue>;
  responseHeaders?: Record<string, MetaValue>;
  trailers?: Record<string, MetaValue>;
}

export interface MetaWireStream {
  stream: number;
  requestMessages: Array<{ length: number; compressed: boolean }>;
  responseMessages: Array<{ length: number; compressed: boolean }>;
  endStream: Array<'client' | 'server'>;
  path?: string;
  httpStatus?: string;
  responseEncoding?: string;
  grpcStatus?: number;
  grpcMessage?: string;
  grpcTimeout?: string;
  trailersOnly?: boolean;
  rstStream?: Array<{ from: 'client' | 'server'; errorCode: number; packet: number }>;
}

export interface MetaWire {
  tcpStream: number;
  client: string;
  server: string;
  streams: MetaWireStream[];
}

export interface Meta {
  ports: number[];
  expect: {
    calls: MetaCall[];
    wire: MetaWire[];
    grpcMessageOnWire?: string;
    statusDetails?: { hex: string; json: Record<string, unknown> };
  };
}

/** tshark's gRPC view: one entry per message, `packet` 1-based (Wireshark's frame number). */
export interface GoldenMessage {
  packet: number;
  stream: number;
  length: number;
  compressed: boolean;
}

export function readMeta(name: string): Meta {
  return JSON.parse(readFileSync(`${SAMPLES}${name}.meta.json`, 'utf8')) as Meta;
}

export function readGoldenMessages(name: string): GoldenMessage[] {
  const golden = JSON.parse(readFileSync(`${SAMPLES}${name}.golden.json`, 'utf8')) as {
    grpc?: GoldenMessage[];
  };
  return golden.grpc ?? [];
}

/** scope.proto: the kind of each method of scope.v1.Lab, and its request/response types. */
export const LAB_METHODS: Record<string, { kind: CallKind; request: string; response: string }> = {
  '/scope.v1.Lab/Echo': { kind: 'unary', request: 'scope.v1.EchoRequest', response: 'scope.v1.EchoReply' },
  '/scope.v1.Lab/Watch': {
    kind: 'server-streaming',
    request: 'scope.v1.WatchRequest',
    response: 'scope.v1.Event',
  },
  '/scope.v1.Lab/Upload': {
    kind: 'client-streaming',
    request: 'scope.v1.Chunk',
    response: 'scope.v1.UploadSummary',
  },
  '/scope.v1.Lab/Chat': { kind: 'bidi', request: 'scope.v1.ChatMessage', response: 'scope.v1.ChatMessage' },
  '/scope.v1.Lab/Bulk': {
    kind: 'server-streaming',
    request: 'scope.v1.BulkRequest',
    response: 'scope.v1.BulkChunk',
  },
};

/** The outcome the call must have, from what the generator knows happened. */
export function expectedOutcome(c: MetaCall): CallOutcome {
  if (c.wireStatus === 0) return 'ok';
  if (typeof c.wireStatus === 'number') return 'error';
  if (c.cancelledByClient === true) return 'reset';
  if (c.statusName === 'DEADLINE_EXCEEDED') return 'deadline-exceeded';
  throw new Error(`no expected outcome for ${c.method} stream ${c.stream}`);
}

/** Our connection id for a tshark tcp.stream, matched by endpoints. */
export function connectionOf(doc: Decoded, wire: MetaWire): string {
  const conn = doc.connections.find((c) => c.client === wire.client && c.server === wire.server);
  if (conn === undefined) throw new Error(`no connection ${wire.client} -> ${wire.server}`);
  return conn.id;
}

export function callOf(doc: Decoded, connection: string, stream: number): CallRecord | undefined {
  return doc.connections.find((c) => c.id === connection)?.calls.find((c) => c.stream === stream);
}

/** The calls the generator put on the wire, each with its wire facts and our connection id. */
export function wireCalls(
  meta: Meta,
  doc: Decoded,
): Array<{ call: MetaCall; wire: MetaWireStream; connection: string }> {
  return meta.expect.calls.flatMap((call) => {
    if (call.tcpStream === undefined || call.stream === undefined) return [];
    const tcp = meta.expect.wire.find((w) => w.tcpStream === call.tcpStream);
    const wire = tcp?.streams.find((s) => s.stream === call.stream);
    if (tcp === undefined || wire === undefined) throw new Error(`no wire facts for stream ${call.stream}`);
    return [{ call, wire, connection: connectionOf(doc, tcp) }];
  });
}

/** proto3 JSON field names are lowerCamelCase: fail_with -> failWith (map keys here have no '_'). */
export function camelKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(camelKeys);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(
    Object.entries(v).map(([k, x]) => [
      k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()),
      camelKeys(x),
    ]),
  );
}
