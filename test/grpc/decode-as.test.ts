/**
 * --decode-as PORT=grpc: on that port every HTTP/2 stream is a gRPC call, whatever its content-type says,
 * marked guessed with the reason "decode-as". Hand-built HTTP/2 events (test/grpc/h2-events.ts).
 */
import { describe, expect, it } from 'vitest';
import type { CallRecord, GrpcEvent } from '../../src/records/call.js';
import { GrpcCallTracker } from '../../src/grpc/call-tracker.js';
import type { H2Event } from '../../src/h2/types.js';
import { data, headers, lpm } from './h2-events.js';

function run(events: H2Event[], decodeAsPort: number | null): GrpcEvent[] {
  const tracker = new GrpcCallTracker({ connection: 'c1', decodeAsPort });
  return [...events.flatMap((e) => tracker.push(e)), ...tracker.finish(9)];
}
const calls = (evs: GrpcEvent[]): CallRecord[] => evs.flatMap((e) => (e.kind === 'call' ? [e.call] : []));

// A proxy that rewrote the content-type: text/plain both ways. Message: field 1 varint 150
// (protobuf.dev/programming-guides/encoding "A Simple Message": 08 96 01).
const ODD: H2Event[] = [
  headers('client', 1, 1, [
    [':method', 'POST'],
    [':path', '/scope.v1.Lab/Echo'],
    ['content-type', 'text/plain'],
  ]),
  data('client', 1, 2, lpm('089601'), true),
  headers('server', 1, 3, [
    [':status', '200'],
    ['content-type', 'text/plain'],
  ]),
  data('server', 1, 4, lpm('089601')),
  headers('server', 1, 5, [['grpc-status', '0']], true),
];

describe('GrpcCallTracker with decodeAsPort', () => {
  it('ignores a stream with an odd content-type without it', () => {
    expect(calls(run(ODD, null))).toEqual([]);
  });

  it('makes it a call with protobuf messages, guessed "decode-as", content-type kept', () => {
    const evs = run(ODD, 50051);
    const [c] = calls(evs);
    expect(c).toMatchObject({
      stream: 1,
      method: '/scope.v1.Lab/Echo',
      outcome: 'ok',
      status: 0,
      guessed: true,
      guesses: [{ what: 'grpc-call', reason: 'decode-as: port 50051 (request content-type text/plain)' }],
      contentType: 'text/plain',
      requestCount: 1,
      responseCount: 1,
    });
    expect(c!.requests[0]!.decoded).toEqual({
      kind: 'raw',
      fields: [{ field: 1, wire: 'varint', value: 150 }],
    });
    const d = evs.flatMap((e) => (e.kind === 'diagnostic' ? [e.diagnostic] : []));
    expect(d.map((x) => [x.code, x.evidence?.why])).toEqual([
      ['grpc.decode-as-call', 'request content-type text/plain'],
    ]);
  });

  it('makes a stream first seen in its response a call at once', () => {
    const evs = run(
      [data('server', 7, 1, lpm('089601')), headers('server', 7, 2, [['grpc-status', '5']], true)],
      443,
    );
    expect(calls(evs)).toMatchObject([
      {
        stream: 7,
        outcome: 'error',
        statusName: 'NOT_FOUND',
        guesses: [{ what: 'grpc-call', reason: 'decode-as: port 443 (request headers not in the capture)' }],
      },
    ]);
  });
});
