import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import type { CallRecord, GrpcEvent } from '../../src/records/call.js';
import { GrpcCallTracker } from '../../src/grpc/call-tracker.js';
import { GrpcSchema } from '../../src/grpc/schema.js';
import type { H2Event } from '../../src/h2/types.js';
import { REQUEST, RESPONSE, data, headers, lpm } from './h2-events.js';

// helloworld.proto from grpc/grpc examples, plus a streaming method and a second service.
const PROTO = `
syntax = "proto3";
package helloworld;
service Greeter {
  rpc SayHello (HelloRequest) returns (HelloReply);
  rpc SayHelloStream (HelloRequest) returns (stream HelloReply);
}
service Counter { rpc Add (Numbers) returns (Sum); }
message HelloRequest { string name = 1; }
message HelloReply { string message = 1; }
message Numbers { repeated int64 values = 1; }
message Sum { fixed64 total = 1; }
`;
const schema = GrpcSchema.fromRoot(protobuf.parse(PROTO).root);

function run(events: H2Event[], end = 100): GrpcEvent[] {
  const t = new GrpcCallTracker({ connection: 'c1', schema });
  return [...events.flatMap((e) => t.push(e)), ...t.finish(end)];
}
const codes = (evs: GrpcEvent[]) => evs.flatMap((e) => (e.kind === 'diagnostic' ? [e.diagnostic.code] : []));
function one(evs: GrpcEvent[]): CallRecord {
  const c = evs.flatMap((e) => (e.kind === 'call' ? [e.call] : []));
  expect(c).toHaveLength(1);
  return c[0] as CallRecord;
}

const HELLO_REQ = '0a05776f726c64'; // name: "world"
const HELLO_REP = '0a0b48656c6c6f20776f726c64'; // message: "Hello world"

describe('GrpcCallTracker with a schema', () => {
  it('decodes messages with the method types and takes the kind from the schema', () => {
    const evs = run([
      headers('client', 1, 1, REQUEST('/helloworld.Greeter/SayHelloStream')),
      data('client', 1, 1, lpm(HELLO_REQ), true),
      headers('server', 1, 2, RESPONSE),
      data('server', 1, 2, lpm(HELLO_REP)),
      headers('server', 1, 3, [['grpc-status', '0']], true),
    ]);
    const c = one(evs);
    expect(c.kind).toBe('server-streaming'); // one response so far, but the schema says stream
    expect(c.kindInferred).toBe(false);
    expect(c.requests[0]?.decoded).toEqual({
      kind: 'schema',
      type: 'helloworld.HelloRequest',
      value: { name: 'world' },
    });
    expect(c.responses[0]?.decoded).toEqual({
      kind: 'schema',
      type: 'helloworld.HelloReply',
      value: { message: 'Hello world' },
    });
    expect(codes(evs)).toEqual([]);
  });

  it('falls back to raw decoding with a diagnostic when a message does not fit its type', () => {
    // 0a 09 "world": length 9 overruns the 5 bytes that follow
    const evs = run([
      headers('client', 1, 1, REQUEST('/helloworld.Greeter/SayHello')),
      data('client', 1, 1, lpm('0a09776f726c64'), true),
    ]);
    const c = one(evs);
    expect(c.requests[0]?.decoded).toEqual({
      kind: 'bytes',
      hex: '0a09776f726c64',
      truncated: false,
      error: 'not protobuf: length beyond the end at byte 1',
    });
    expect(codes(evs)).toEqual(['grpc.schema-mismatch']);
  });

  it('lists fields the schema does not know', () => {
    // name: "world", then field 2 varint 1
    const evs = run([
      headers('client', 1, 1, REQUEST('/helloworld.Greeter/SayHello')),
      data('client', 1, 1, lpm(HELLO_REQ + '1001'), true),
    ]);
    expect(one(evs).requests[0]?.decoded).toEqual({
      kind: 'schema',
      type: 'helloworld.HelloRequest',
      value: { name: 'world' },
      unknownFields: [2],
    });
  });

  it('says when the method is not in the schema and decodes raw', () => {
    const evs = run([
      headers('client', 1, 1, REQUEST('/other.Svc/Do')),
      data('client', 1, 1, lpm('0801'), true),
    ]);
    expect(codes(evs)).toEqual(['grpc.method-not-in-schema']);
    expect(one(evs).requests[0]?.decoded).toEqual({
      kind: 'raw',
      fields: [{ field: 1, wire: 'varint', value: 1 }],
    });
  });

  it('guesses the method of a mid-call capture from the message bytes', () => {
    // Numbers { values = [1, 2] } packed: 0a 02 01 02 ; Sum { total = 3 } fixed64: 09 03 00.. 00
    const evs = run([
      data('client', 5, 1, lpm('0a020102'), true),
      data('server', 5, 2, lpm('090300000000000000')),
      headers('server', 5, 3, [['grpc-status', '0']], true),
    ]);
    const c = one(evs);
    expect(c.method).toBe('/helloworld.Counter/Add');
    expect(c.service).toBe('helloworld.Counter');
    expect(c.guesses.map((g) => g.what)).toEqual(['grpc-call', 'method']);
    expect(c.guesses[1]?.reason).toBe('schema fit score 2');
    expect(c.kindInferred).toBe(true);
    expect(c.requests[0]?.decoded).toEqual({
      kind: 'schema',
      type: 'helloworld.Numbers',
      value: { values: ['1', '2'] },
    });
    expect(c.responses[0]?.decoded).toEqual({
      kind: 'schema',
      type: 'helloworld.Sum',
      value: { total: '3' },
    });
  });

  it('leaves the method null when no method fits, and decodes raw', () => {
    const evs = run([
      data('client', 5, 1, lpm('1801'), true),
      headers('server', 5, 3, [['grpc-status', '0']], true),
    ]);
    const c = one(evs);
    expect(c.method).toBeNull();
    expect(c.guesses.map((g) => g.what)).toEqual(['grpc-call']);
    expect(c.requests[0]?.decoded).toEqual({ kind: 'raw', fields: [{ field: 3, wire: 'varint', value: 1 }] });
  });
});
