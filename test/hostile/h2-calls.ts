/** A gRPC unary call as grpc-js exchanges it (frames per RFC 9113 §4.1, header blocks by hpack.js). */
import { encoder, frame, setting, u32 } from '../h2/frame-bytes.js';
import { PREFACE, type Send } from './tcp-capture.js';

const REQUEST: Array<[string, string]> = [
  [':method', 'POST'],
  [':scheme', 'http'],
  [':path', '/helloworld.Greeter/SayHello'],
  [':authority', 'localhost:50051'],
  ['content-type', 'application/grpc'],
  ['te', 'trailers'],
];
const RESPONSE: Array<[string, string]> = [
  [':status', '200'],
  ['content-type', 'application/grpc+proto'],
];
const TRAILERS: Array<[string, string]> = [
  ['grpc-status', '0'],
  ['grpc-message', 'OK'],
];
/** Length-prefixed message: not compressed, length 7, protobuf field 1 = "hello". */
export const MESSAGE = Buffer.from([0, 0, 0, 0, 7, 0x0a, 0x05, 0x68, 0x65, 0x6c, 0x6c, 0x6f]);

export interface CallShape {
  /** Replaces the :path; latin1 strings stand for their octets (hpack.js writes them so). */
  path?: string;
  /** grpc-status and grpc-message of the trailers (default 0, "OK"). */
  status?: [string, string];
}

/** The sends of `calls` unary calls on streams 1, 3, ...; `request` adds header fields to each request. */
export function unaryCalls(calls = 1, request: Array<[string, string]> = [], shape: CallShape = {}): Send[] {
  const head = REQUEST.map(([n, v]): [string, string] => [n, n === ':path' ? (shape.path ?? v) : v]);
  const trailers: Array<[string, string]> = shape.status
    ? [
        ['grpc-status', shape.status[0]],
        ['grpc-message', shape.status[1]],
      ]
    : TRAILERS;
  const client = encoder();
  const server = encoder();
  const sends: Send[] = [
    { from: 'client', data: Buffer.concat([PREFACE, frame(0x4, 0, 0, setting(0x4, 4_194_304))]) },
    { from: 'server', data: Buffer.concat([frame(0x4, 0, 0, setting(0x3, 100)), frame(0x4, 0x1, 0)]) },
    { from: 'client', data: Buffer.concat([frame(0x4, 0x1, 0), frame(0x8, 0, 0, u32(1_000_000))]) },
  ];
  for (let i = 0; i < calls; i++) {
    const stream = 1 + 2 * i;
    sends.push({
      from: 'client',
      data: Buffer.concat([
        frame(0x1, 0x4, stream, client([...head, ...request])),
        frame(0x0, 0x1, stream, MESSAGE),
      ]),
    });
    sends.push({
      from: 'server',
      data: Buffer.concat([
        frame(0x1, 0x4, stream, server(RESPONSE)),
        frame(0x0, 0x0, stream, MESSAGE),
        frame(0x1, 0x5, stream, server(trailers)),
      ]),
    });
  }
  return sends;
}
